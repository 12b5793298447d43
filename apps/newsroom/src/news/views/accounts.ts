import { login, loginRequired, messages, User } from '@manouche/auth';
import { type HttpRequest, HttpResponseRedirect, path } from '@manouche/core';
import { render } from '@manouche/templates';
import { AuthorProfileForm, ProfileForm, SignupForm } from '../forms';
import { Article, Author, Comment } from '../models';
import { currentUser } from './users';

/** Sign up: create the account, log in, and say so. */
export async function signup(request: HttpRequest) {
  if ((await request.auser()).isAuthenticated) return new HttpResponseRedirect(request.app.reverse('profile'));
  const form = await SignupForm.fromRequest(request);
  if (request.method === 'POST' && (await form.validate())) {
    const { username, email, password1 } = form.cleanedData;
    const user = await User.objects.createUser(username, email, password1);
    await login(request, user);
    messages.success(request, `Welcome to The Newsroom, ${user.getUsername()}: your account is ready.`);
    return new HttpResponseRedirect(request.app.reverse('profile'));
  }
  return render(request, 'accounts/signup.eta', { form }, { status: request.method === 'POST' ? 400 : 200 });
}

/** The profile: who you are, what you wrote and said; your name, address and (for authors) bio. */
export const profile = loginRequired(async (request: HttpRequest) => {
  const user = await currentUser(request);
  const author = await Author.objects.filter({ user }).first();
  // only authors have a bio (on their author page)
  const authorForm = author ? await AuthorProfileForm.fromRequest(request, { instance: user, initial: { bio: author.bio } }) : null;
  const form = authorForm ?? (await ProfileForm.fromRequest(request, { instance: user }));
  if (request.method === 'POST' && (await form.validate())) {
    await form.save();
    if (author && authorForm) {
      author.bio = authorForm.cleanedData.bio;
      await author.save({ updateFields: ['bio'] });
    }
    messages.success(request, 'Your profile was saved.');
    return new HttpResponseRedirect(request.app.reverse('profile'));
  }
  const [articles, comments] = await Promise.all([
    author ? Article.objects.filter({ author }).selectRelated('section').slice(0, 10) : Promise.resolve([]),
    Comment.objects.filter({ user }).selectRelated('article').orderBy('-createdAt').slice(0, 10),
  ]);
  return render(request, 'accounts/profile.eta', { profileUser: user, author, form, articles, comments }, { status: request.method === 'POST' ? 400 : 200 });
});

export const accountUrls = [path('signup/', signup, { name: 'signup' }), path('profile/', profile, { name: 'profile' })];
