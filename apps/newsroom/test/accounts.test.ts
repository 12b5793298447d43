import { outbox, User } from '@manouche/auth';
import { createSite, csrfTokenIn, logIn, PASSWORD, type Site } from './support';

describe('accounts', () => {
  let site: Site;

  beforeAll(async () => {
    site = await createSite();
  });
  afterAll(() => site.close());

  const signUp = (client: ReturnType<Site['client']>, fields: Record<string, string>) =>
    client.post('/accounts/signup/', { username: 'newbie', email: 'newbie@example.com', password1: PASSWORD, password2: PASSWORD, ...fields });

  it('signs a reader up, logs them in and says so', async () => {
    const client = site.client();
    const form = await client.get('/accounts/signup/');
    expect(form.status).toBe(200);
    expect(form.text).toContain('name="password2"');
    const response = await signUp(client, {});
    expect(response.status).toBe(302);
    expect(response.url).toBe('/accounts/profile/');
    const user = await User.objects.get({ username: 'newbie' });
    expect(user.email).toBe('newbie@example.com');
    expect(user.password).toMatch(/^pbkdf2_sha256\$/);
    expect(user.isStaff).toBe(false);
    const profile = await client.get('/accounts/profile/');
    expect(profile.status).toBe(200);
    expect(profile.text).toContain('Welcome to The Newsroom, newbie: your account is ready.');
    expect(profile.text).toContain('Signed in as <strong>newbie</strong>');
    // the flash message shows once
    expect((await client.get('/accounts/profile/')).text).not.toContain('your account is ready');
  });

  it('refuses a taken username, mismatched or weak passwords, and a bad address, keeping what was typed', async () => {
    await User.objects.createUser('taken', null, PASSWORD);
    const client = site.client();
    const taken = await signUp(client, { username: 'TAKEN' });
    expect(taken.status).toBe(400);
    expect(taken.text).toContain('A user with that username already exists.');
    const mismatch = await signUp(client, { username: 'carol', password2: 'something else entirely' });
    expect(mismatch.text).toContain('The two password fields didn’t match.');
    const weak = await signUp(client, { username: 'dave', password1: '12345678', password2: '12345678' });
    expect(weak.text).toContain('This password is too common.');
    expect(weak.text).toContain('This password is entirely numeric.');
    const email = await signUp(client, { username: 'erin', email: 'not-an-address' });
    expect(email.text).toContain('Enter a valid email address.');
    expect(email.text).toContain('value="erin"');
    expect(await User.objects.filter({ username__in: ['carol', 'dave', 'erin'] }).count()).toBe(0);
  });

  it('logs in and out with flash messages, rotating the session and the CSRF token', async () => {
    await User.objects.createUser('logan', 'logan@example.com', PASSWORD);
    const client = site.client();
    const page = await client.get('/accounts/login/');
    expect(page.text).toContain('<title>Log in | The Newsroom</title>'); // the site's own registration templates
    expect(page.text).toContain('href="/static/newsroom/site.css"');
    const csrfBefore = client.cookies.get('csrftoken');
    const wrong = await client.post('/accounts/login/', { username: 'logan', password: 'wrong password' });
    expect(wrong.status).toBe(200);
    expect(wrong.text).toContain('Please enter a correct username and password.');
    const login = await client.post('/accounts/login/', { username: 'logan', password: PASSWORD, next: '/search/' });
    expect(login.status).toBe(302);
    expect(login.url).toBe('/search/');
    const session = client.cookies.get('sessionid');
    expect(session).toBeTruthy();
    expect(client.cookies.get('csrftoken')).not.toBe(csrfBefore);
    const home = await client.get('/');
    expect(home.text).toContain('You are logged in as logan.');
    expect(home.text).toContain('class="whoami">logan</a>');
    // an open redirect in `next` is ignored
    const other = site.client();
    const evil = await other.post('/accounts/login/', { username: 'logan', password: PASSWORD, next: 'https://evil.example/' });
    expect(evil.url).toBe('/accounts/profile/');
    const logout = await client.post('/accounts/logout/', {});
    expect(logout.status).toBe(302);
    expect(logout.url).toBe('/');
    const after = await client.get('/');
    expect(after.text).toContain('You have been logged out.');
    expect(after.text).toContain('href="/accounts/login/">Log in</a>');
    expect((await client.get('/accounts/profile/')).url).toBe('/accounts/login/?next=/accounts/profile/');
  });

  it('only logs out on POST', async () => {
    const client = site.client();
    await logIn(client, 'newbie');
    expect((await client.get('/accounts/logout/')).status).toBe(405);
    expect((await client.get('/accounts/profile/')).status).toBe(200);
  });

  it('changes the password, with a flash message, keeping this session logged in', async () => {
    await User.objects.createUser('pat', 'pat@example.com', PASSWORD);
    const client = site.client();
    await logIn(client, 'pat');
    const response = await client.post('/accounts/password_change/', { oldPassword: PASSWORD, newPassword1: 'a brand new passphrase', newPassword2: 'a brand new passphrase' }, { followRedirects: true });
    expect(response.status).toBe(200);
    expect(response.text).toContain('Your password was changed.');
    expect((await client.get('/accounts/profile/')).status).toBe(200);
    expect(await (await User.objects.get({ username: 'pat' })).checkPassword('a brand new passphrase')).toBe(true);
  });

  it('resets a forgotten password through the link sent by email', async () => {
    await User.objects.createUser('rita', 'rita@example.com', PASSWORD);
    outbox.length = 0;
    const client = site.client();
    const request = await client.post('/accounts/password_reset/', { email: 'rita@example.com' }, { followRedirects: true });
    expect(request.text).toContain('If an account uses that address, we sent it a link to reset the password.');
    // the email goes out after the response
    for (let i = 0; i < 50 && outbox.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(outbox).toHaveLength(1);
    const link = /http:\/\/127\.0\.0\.1(\/accounts\/reset\/\S+\/)/.exec(outbox[0]!.body)![1]!;
    const confirm = await client.get(link, undefined, { followRedirects: true });
    expect(confirm.text).toContain('Enter new password');
    const setPassword = confirm.redirectChain.at(-1)![0];
    const done = await client.post(setPassword, { newPassword1: 'reset passphrase works', newPassword2: 'reset passphrase works' }, { followRedirects: true });
    expect(done.text).toContain('Your password was set. You may log in now.');
    await logIn(site.client(), 'rita', 'reset passphrase works');
  });

  it('edits the profile', async () => {
    const client = site.client();
    await logIn(client, 'newbie');
    const page = await client.get('/accounts/profile/');
    expect(page.text).not.toContain('name="bio"'); // readers have no author page
    const saved = await client.post('/accounts/profile/', { csrfmiddlewaretoken: csrfTokenIn(page.text), firstName: 'New', lastName: 'Bie', email: 'nb@example.com' }, { followRedirects: true });
    expect(saved.text).toContain('Your profile was saved.');
    expect(saved.text).toContain('<h1>New Bie</h1>');
    const bad = await client.post('/accounts/profile/', { firstName: 'x', lastName: '', email: 'nope' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Enter a valid email address.');
  });
});
