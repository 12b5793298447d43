import * as fs from 'node:fs';
import { join } from 'node:path';
import { conditionalEscape, markSafe, SafeString } from '@manouche/core';
import { appTemplateDirs, Engine, escapeValue, SuspiciousTemplateName, TemplateDoesNotExist, TemplateSyntaxError } from '../src/index';
import { templateDir, writeTemplates } from './helpers';

describe('loading templates', () => {
  const project = templateDir({ 'home.eta': 'project home', 'nested/deep.eta': 'deep <%= it.x %>', 'page.html': 'html file' });
  const app = templateDir({ 'templates/home.eta': 'app home', 'templates/app-only.eta': 'from the app' });
  const engine = new Engine({ dirs: [project], appDirs: appTemplateDirs([{ path: app }]) });

  it('looks in project dirs first, then app dirs (Django order)', () => {
    expect(engine.render('home.eta')).toBe('project home');
    expect(engine.render('app-only.eta')).toBe('from the app');
  });

  it("adds Eta's default extension to names without one, and keeps other extensions", () => {
    expect(engine.render('home')).toBe('project home');
    expect(engine.render('nested/deep', { x: 1 })).toBe('deep 1');
    expect(engine.render('page.html')).toBe('html file');
  });

  it('lists the files it tried when a template does not exist', () => {
    expect(() => engine.render('missing.eta')).toThrow(TemplateDoesNotExist);
    try {
      engine.render('missing.eta');
    } catch (error) {
      expect((error as TemplateDoesNotExist).tried).toEqual([join(project, 'missing.eta'), join(app, 'templates', 'missing.eta')]);
      expect((error as Error).message).toContain(join(project, 'missing.eta'));
    }
  });

  it('selectTemplate() and render() with a list use the first template that exists', () => {
    expect(engine.selectTemplate(['nope.eta', 'app-only.eta', 'home.eta']).render()).toBe('from the app');
    expect(engine.render(['nope.eta', 'home.eta'])).toBe('project home');
    expect(() => engine.render(['nope.eta', 'none.eta'])).toThrow(/nope\.eta, none\.eta/);
  });

  it.each([
    ['../outside.eta'],
    ['nested/../../outside.eta'],
    ['a\\..\\b.eta'],
    ['home.eta\0.txt'],
    ['C:/windows/win.ini'],
    [''],
    ['nested/'],
  ])('refuses the name %j (no path traversal outside the roots)', (name) => {
    expect(() => engine.render(name)).toThrow(SuspiciousTemplateName);
  });

  it('resolves a leading slash inside the roots, never at the file system root', () => {
    expect(engine.render('/home.eta')).toBe('project home');
    expect(() => engine.render('/etc/passwd')).toThrow(TemplateDoesNotExist);
  });

  it('ignores a symlink that leads outside its folder', () => {
    const secret = templateDir({ 'secret.eta': 'SECRET' });
    const root = templateDir({});
    fs.symlinkSync(join(secret, 'secret.eta'), join(root, 'link.eta'));
    expect(() => new Engine({ dirs: [root] }).render('link.eta')).toThrow(TemplateDoesNotExist);
  });

  it('says so when a non-string name is given', () => {
    expect(() => engine.render(42 as never)).toThrow(/non-empty list of names/);
    expect(() => engine.getTemplate(null as never)).toThrow(SuspiciousTemplateName);
  });
});

describe('compiling once', () => {
  afterEach(() => jest.restoreAllMocks());

  it('does no file I/O on the second render of a template (with its layout and includes)', () => {
    const dir = templateDir({
      'base.eta': '<main><%~ block("content") %></main>',
      'page.eta': '<% layout("base") %><% block("content", () => { %><%~ include("part", { n: it.n }) %><% }) %>',
      'part.eta': 'part <%= it.n %>',
    });
    const engine = new Engine({ dirs: [dir] });
    expect(engine.render('page.eta', { n: 1 })).toBe('<main>part 1</main>');
    // The module object itself (not the ES namespace copy), which the sources call through.
    const nodeFs = jest.requireActual<typeof fs>('node:fs');
    const calls = ['readFileSync', 'statSync', 'realpathSync', 'existsSync', 'openSync', 'readSync', 'lstatSync'].map((name) => jest.spyOn(nodeFs, name as 'statSync'));
    expect(engine.render('page.eta', { n: 2 })).toBe('<main>part 2</main>');
    for (const spy of calls) expect(spy).not.toHaveBeenCalled();
    // The spies do see the loader's I/O: a template not loaded yet is read.
    expect(engine.render('part.eta', { n: 3 })).toBe('part 3');
    expect(calls[0]).not.toHaveBeenCalled();
    new Engine({ dirs: [dir] }).render('part.eta', { n: 3 });
    expect(calls[0]).toHaveBeenCalledTimes(1);
  });

  it('in debug mode recompiles a changed file on the next render (stat-based)', () => {
    const dir = templateDir({ 'page.eta': 'version 1' });
    const engine = new Engine({ dirs: [dir], debug: true });
    expect(engine.render('page.eta')).toBe('version 1');
    writeTemplates(dir, { 'page.eta': 'version two' });
    fs.utimesSync(join(dir, 'page.eta'), new Date(), new Date(Date.now() + 5000));
    expect(engine.render('page.eta')).toBe('version two');
  });

  it('without debug keeps the compiled template', () => {
    const dir = templateDir({ 'page.eta': 'version 1' });
    const engine = new Engine({ dirs: [dir] });
    expect(engine.render('page.eta')).toBe('version 1');
    writeTemplates(dir, { 'page.eta': 'version two' });
    fs.utimesSync(join(dir, 'page.eta'), new Date(), new Date(Date.now() + 5000));
    expect(engine.render('page.eta')).toBe('version 1');
  });

  it('in debug mode notices a deleted template', () => {
    const dir = templateDir({ 'page.eta': 'here' });
    const engine = new Engine({ dirs: [dir], debug: true });
    expect(engine.render('page.eta')).toBe('here');
    fs.rmSync(join(dir, 'page.eta'));
    expect(() => engine.render('page.eta')).toThrow(TemplateDoesNotExist);
  });
});

describe('escaping', () => {
  const engine = new Engine();

  it('escapes everything interpolated with <%= %>, in text and in quoted attributes', () => {
    const out = engine.renderString('<p title="<%= it.v %>" data-x=\'<%= it.v %>\'><%= it.v %></p>', { v: `"><script>alert('x')</script>&` });
    expect(out).toBe(
      '<p title="&quot;&gt;&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&amp;" data-x=\'&quot;&gt;&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&amp;\'>&quot;&gt;&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&amp;</p>',
    );
  });

  it('passes a SafeString through and prints raw only with the explicit <%~ %>', () => {
    expect(engine.renderString('<%= it.safe %>|<%~ it.raw %>|<%= it.raw %>', { safe: markSafe('<b>ok</b>'), raw: '<i>' })).toBe('<b>ok</b>|<i>|&lt;i&gt;');
  });

  it('prints nothing for null and undefined (Django prints missing variables as "")', () => {
    expect(engine.renderString('[<%= it.a %>][<%= it.b %>][<%= it.c %>]', { a: null, c: 0 })).toBe('[][][0]');
  });

  it('escapes exactly like core conditionalEscape()', () => {
    const values = ['plain', `<>&"'`, 12.5, true, null, undefined, markSafe('<b>'), new SafeString('&amp;'), { toString: () => '<obj>' }, ['<a>', 'b'], 0];
    for (const value of values) expect(escapeValue(value)).toBe(conditionalEscape(value).value);
  });
});

describe('rendering', () => {
  it('renderString() and renderAsync() where templates await', async () => {
    const dir = templateDir({ 'list.eta': '<% for (const a of await it.articles) { %><li><%= a %></li><% } %>' });
    const engine = new Engine({ dirs: [dir] });
    expect(await engine.renderAsync('list.eta', { articles: Promise.resolve(['a', '<b>']) })).toBe('<li>a</li><li>&lt;b&gt;</li>');
    expect(await engine.renderStringAsync('<%= await it.x %>', { x: Promise.resolve('<x>') })).toBe('&lt;x&gt;');
    expect(() => engine.render('list.eta', { articles: [] })).toThrow(/uses await.*renderAsync/);
  });

  it('gives templates the engine globals and custom filters', () => {
    const engine = new Engine({
      globals: { siteName: 'Newsroom', badge: (text: string) => markSafe(`<span class="badge">${conditionalEscape(text)}</span>`) },
      filters: { shout: (value: unknown) => `${String(value)}!` },
    });
    expect(engine.renderString('<%= siteName %> <%= badge(it.t) %> <%= f.shout(it.t) %>', { t: '<new>' })).toBe(
      'Newsroom <span class="badge">&lt;new&gt;</span> &lt;new&gt;!',
    );
  });

  it('refuses globals that would hide a helper or are not identifiers', () => {
    expect(() => new Engine({ globals: { include: 1 } })).toThrow(/global name/);
    expect(() => new Engine({ globals: { 'not-an-id': 1 } })).toThrow(/global name/);
    expect(() => new Engine({ globals: { class: 1 } })).toThrow(/reserved word/);
    expect(() => new Engine({ filters: { 'bad-name': () => 1 } })).toThrow(/identifier/);
  });

  it('lets a template name its own variable `f`; filters stay reachable as `filters`', () => {
    const engine = new Engine();
    const source = '<% for (const f of it.fields) { %><%= f.name %>=<%= filters.upper(f.value) %> <% } %>';
    expect(engine.renderString(source, { fields: [{ name: 'a', value: 'x' }] })).toBe('a=X ');
    expect(() => engine.renderString('<% it.list.forEach((f) => { %><%= filters.nope(f) %><% }) %>', { list: [] })).toThrow(/Invalid filter: "nope"/);
  });

  it('Template objects render with their own context', () => {
    const engine = new Engine();
    const template = engine.fromString('Hi <%= it.name %>');
    expect(template.render({ name: 'A' })).toBe('Hi A');
    expect(template.render({ name: 'B' })).toBe('Hi B');
  });
});

describe('context processors', () => {
  const request = { method: 'GET', path: '/' } as never;

  it('run once per render, only with a request, under the view context', () => {
    const dir = templateDir({
      'base.eta': '<%~ block("c") %>|<%= it.who %>',
      'page.eta': '<% layout("base") %><% block("c", () => { %><%= it.site %>-<%~ include("part") %><% }) %>',
      'part.eta': '<%= it.site %>',
    });
    const calls: unknown[] = [];
    const engine = new Engine({
      dirs: [dir],
      contextProcessors: [
        (r) => {
          calls.push(r);
          return { site: 'S', who: 'processor' };
        },
      ],
    });
    expect(engine.render('page.eta', { who: 'view' }, request)).toBe('S-S|view');
    expect(calls).toEqual([request]);
    expect(engine.render('page.eta', { who: 'view', site: '' })).toBe('-|view');
    expect(calls).toHaveLength(1);
  });

  it("leave a processor's getters unread until a template reads them, through layouts and includes", async () => {
    const dir = templateDir({
      'base.eta': '<%~ block("c") %>[<%~ it.body ?? "" %>]',
      'quiet.eta': '<% layout("base") %>text outside blocks<% block("c", () => { %><%~ include("part", { x: 1 }) %><% }) %>',
      'loud.eta': '<% layout("base") %><% block("c", () => { %><%~ include("token") %><% }) %>',
      'part.eta': '<%= it.x %>',
      'token.eta': '<%= it.csrfToken %>,<%= it.csrfToken %>',
    });
    let reads = 0;
    const engine = new Engine({
      dirs: [dir],
      contextProcessors: [() => ({ get csrfToken() { reads++; return 'tok'; } }), () => ({ site: 'S' })],
    });
    expect(engine.render('quiet.eta', {}, request)).toBe('1[text outside blocks]');
    expect(await engine.renderAsync('quiet.eta', {}, request)).toBe('1[text outside blocks]');
    expect(reads).toBe(0);
    expect(engine.render('loud.eta', {}, request)).toBe('tok,tok[]');
    expect(reads).toBe(2);
    // the view's context still overrides a processor's lazy value
    expect(engine.render('loud.eta', { csrfToken: 'mine' }, request)).toBe('mine,mine[]');
    expect(reads).toBe(2);
  });

  it('may be async with renderAsync(); a sync render says to use renderAsync()', async () => {
    const engine = new Engine({ contextProcessors: [() => ({ a: 1 }), async () => ({ b: 2 }), () => ({ c: 3 })] });
    const template = engine.fromString('<%= it.a %><%= it.b %><%= it.c %><%= it.d %>');
    expect(await template.renderAsync({ d: 4 }, request)).toBe('1234');
    expect(() => template.render({}, request)).toThrow(/renderAsync/);
  });

  it('must return objects', () => {
    const engine = new Engine({ contextProcessors: [() => null as never] });
    expect(() => engine.renderString('x', {}, request)).toThrow(/must return an object/);
    expect(() => new Engine({ contextProcessors: ['nope' as never] })).toThrow(TypeError);
  });
});

test('a compile error is a TemplateSyntaxError', () => {
  expect(() => new Engine().renderString('<% if (x) { %>')).toThrow(TemplateSyntaxError);
});
