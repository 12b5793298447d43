import { Eta } from 'eta';
import { markSafe } from '@manouche/core';
import { Engine, SuspiciousTemplateName, TemplateSyntaxError } from '../src/index';
import { templateDir } from './helpers';

const three = {
  'base.eta': [
    '<title><%~ block("title", () => { %>Site<% }) %></title>',
    '<nav><%~ block("nav", () => { %>base nav<% }) %></nav>',
    '<main><%~ block("content", () => { %>base content<% }) %></main>',
    '<aside><%~ block("sidebar") %></aside>',
  ].join('\n'),
  'section.eta': [
    '<% layout("./base") %>',
    '<% block("nav", (parent) => { %><%~ parent() %> + section nav<% }) %>',
    '<% block("content", (parent) => { %>section(<%~ parent() %>)<% }) %>',
    '<% block("sidebar", () => { %>section sidebar<% }) %>',
  ].join('\n'),
  'page.eta': [
    '<% layout("./section") %>',
    '<% block("title", (parent) => { %><%= it.title %> | <%~ parent() %><% }) %>',
    '<% block("content", (parent) => { %>page(<%~ parent() %>)<% }) %>',
  ].join('\n'),
};

describe("Eta's own layouts", () => {
  it('lose the page blocks at three levels, which is why inheritance is built on its compiler instead', () => {
    const dir = templateDir({
      'base.eta': '<%~ block("title", () => { %>base<% }) %>|<%~ block("content", () => { %>base<% }) %>',
      'section.eta': '<% layout("./base") %><% block("content", () => { %>section<% }) %>',
      'page.eta': '<% layout("./section") %><% block("title", () => { %>page<% }) %><% block("content", () => { %>page<% }) %>',
    });
    const eta = new Eta({ views: dir });
    // The page's "title" and "content" are gone: only the nearest child's blocks reach the base.
    expect(eta.render('./page', {})).toBe('base|section');
    expect(new Engine({ dirs: [dir] }).render('page.eta')).toBe('page|page');
  });
});

describe('three-level inheritance (base → section → page)', () => {
  const engine = new Engine({ dirs: [templateDir(three)] });

  it('renders the most derived block, defaults where nothing overrides, and parent() all the way up', () => {
    expect(engine.render('page.eta', { title: 'News & <views>' })).toBe(
      [
        '<title>News &amp; &lt;views&gt; | Site</title>',
        '<nav>base nav + section nav</nav>',
        '<main>page(section(base content))</main>',
        '<aside>section sidebar</aside>',
      ].join('\n'),
    );
  });

  it('renders the middle level on its own too', () => {
    expect(engine.render('section.eta')).toBe(
      ['<title>Site</title>', '<nav>base nav + section nav</nav>', '<main>section(base content)</main>', '<aside>section sidebar</aside>'].join('\n'),
    );
  });

  it('renders the same with renderAsync()', async () => {
    expect(await engine.renderAsync('page.eta', { title: 'T' })).toBe(engine.render('page.eta', { title: 'T' }));
  });

  it('renders a block without default and without override as nothing', () => {
    expect(engine.renderString('[<%~ block("nothing") %>]')).toBe('[]');
  });
});

describe('blocks', () => {
  it('uses the most derived definition of a block nested in another block', () => {
    const engine = new Engine({
      dirs: [
        templateDir({
          'base.eta': '<%~ block("outer", () => { %>[base outer <%~ block("inner", () => { %>base inner<% }) %>]<% }) %>',
          'mid.eta': '<% layout("base") %><% block("inner", () => { %>mid inner<% }) %>',
          'page.eta': '<% layout("mid") %><% block("outer", () => { %>{page outer <%~ block("inner", (parent) => { %>page inner/<%~ parent() %><% }) %>}<% }) %>',
          'leaf.eta': '<% layout("page") %><% block("inner", () => { %>leaf inner<% }) %>',
        }),
      ],
    });
    expect(engine.render('mid.eta')).toBe('[base outer mid inner]');
    // A block introduced inside an override gets the definitions from below and above it.
    expect(engine.render('page.eta')).toBe('{page outer page inner/mid inner}');
    expect(engine.render('leaf.eta')).toBe('{page outer leaf inner}');
  });

  it('lets a block be shown twice in a layout', () => {
    const engine = new Engine({
      dirs: [templateDir({ 'base.eta': '<title><%~ block("t") %></title><h1><%~ block("t") %></h1>', 'p.eta': '<% layout("base") %><% block("t", () => { %>Hi<% }) %>' })],
    });
    expect(engine.render('p.eta')).toBe('<title>Hi</title><h1>Hi</h1>');
  });

  it("passes Eta's it.body (the child's output outside blocks) and layout data to the layout", () => {
    const engine = new Engine({
      dirs: [templateDir({ 'layout.eta': '<h1><%= it.title %></h1><%~ it.body %>', 'page.eta': '<% layout("layout", { title: "<T>" }) %><p><%= it.x %></p>' })],
    });
    expect(engine.render('page.eta', { x: 1 })).toBe('<h1>&lt;T&gt;</h1><p>1</p>');
  });

  it('refuses a block the parent chain does not declare, naming block, templates and line', () => {
    const engine = new Engine({
      dirs: [templateDir({ ...three, 'typo.eta': '<% layout("section") %>\n<% block("sidebra", () => { %>x<% }) %>' })],
    });
    expect(() => engine.render('typo.eta')).toThrow(TemplateSyntaxError);
    try {
      engine.render('typo.eta');
    } catch (error) {
      expect((error as Error).message).toContain('The block "sidebra" defined in "typo.eta" does not exist in "section.eta" or the templates it extends');
      expect((error as Error).message).toContain('Blocks there: content, nav, sidebar, title');
      expect((error as TemplateSyntaxError).templateDebug).toMatchObject({ name: 'typo.eta', line: 2, column: 4 });
    }
  });

  it('refuses the same block defined twice in one template', () => {
    const engine = new Engine({
      dirs: [templateDir({ 'base.eta': '<%~ block("a") %>', 'p.eta': '<% layout("base") %><% block("a", () => { %>1<% }) %><% block("a", () => { %>2<% }) %>' })],
    });
    expect(() => engine.render('p.eta')).toThrow(/The block "a" appears more than once in template "p.eta"/);
  });

  it('refuses a template extending itself', () => {
    const engine = new Engine({ dirs: [templateDir({ 'loop.eta': '<% layout("loop") %>' })] });
    expect(() => engine.render('loop.eta')).toThrow(/does a template extend itself/);
  });

  it('checks block() arguments', () => {
    expect(() => new Engine().renderString('<%~ block(3) %>')).toThrow(/needs a name/);
    expect(() => new Engine().renderString('<%~ block("a", "text") %>')).toThrow(/must be a function/);
  });
});

describe('include', () => {
  const engine = new Engine({
    dirs: [
      templateDir({
        'card.eta': '<%= it.title %>/<%= it.user %>',
        'widgets/box.eta': '<% layout("./frame") %><% block("inside", () => { %>box <%= it.n %><% }) %>',
        'widgets/frame.eta': '[<%~ block("inside") %>]',
        'widgets/uses-relative.eta': '<%~ include("../card", { title: "rel" }) %>',
        'escape.eta': '<%~ include("../../outside") %>',
        'page.eta': '<% layout("base") %><% block("content", () => { %><%~ include("widgets/box", { n: 2 }) %><% }) %>',
        'base.eta': '<%~ block("content") %>|<%~ block("inside", () => { %>base inside<% }) %>',
      }),
    ],
  });

  it('renders with the current context plus the extra variables', () => {
    expect(engine.renderString('<%~ include("card", { title: "<t>" }) %>', { user: 'ann', title: 'outer' })).toBe('&lt;t&gt;/ann');
  });

  it('renders with only the extra variables when asked (Django `only`)', () => {
    expect(engine.renderString('<%~ include("card", { title: "t" }, { only: true }) %>', { user: 'ann' })).toBe('t/');
  });

  it('gives an included template its own inheritance chain', () => {
    expect(engine.render('page.eta')).toBe('[box 2]|base inside');
  });

  it('resolves ./ and ../ relative to the including template, never above the roots', () => {
    expect(engine.render('widgets/uses-relative.eta', { user: 'u' })).toBe('rel/u');
    expect(() => engine.render('escape.eta')).toThrow(SuspiciousTemplateName);
  });

  it('renders the same asynchronously', async () => {
    expect(await engine.renderAsync('page.eta')).toBe('[box 2]|base inside');
    expect(await engine.renderStringAsync('<%~ include("card", { title: "t" }, { only: true }) %>', { user: 'ann' })).toBe('t/');
  });
});

describe('macros', () => {
  it('are plain functions: globals returning SafeString, template functions, capture()', () => {
    const engine = new Engine({ globals: { icon: (name: string) => markSafe(`<i class="icon-${encodeURIComponent(name)}"></i>`) } });
    const source = [
      '<% const item = (label) => { %><li><%= label %></li><% } %>',
      '<ul><% for (const l of it.labels) item(l) %></ul>',
      '<%~ icon("star") %>',
      '<% const saved = capture(() => item("<x>")) %><%= saved %><%= saved %>',
    ].join('\n');
    expect(engine.renderString(source, { labels: ['a', '<b>'] })).toBe(
      // Eta's default autoTrim drops the newline right after a tag.
      '<ul><li>a</li><li>&lt;b&gt;</li></ul>\n<i class="icon-star"></i><li>&lt;x&gt;</li><li>&lt;x&gt;</li>',
    );
  });
});

describe('asynchronous blocks', () => {
  it('may await inside a block, and include/block need no await', async () => {
    const engine = new Engine({
      dirs: [
        templateDir({
          'base.eta': '<%~ block("a") %>-<%~ include("part") %>-<%~ block("b", () => { %>b<% }) %>',
          'page.eta': '<% layout("base") %><% block("a", async () => { %><%= await it.slow %><% }) %><% block("b", (parent) => { %><%~ parent() %>!<% }) %>',
          'part.eta': '<%= await it.slow %>',
        }),
      ],
    });
    expect(await engine.renderAsync('page.eta', { slow: new Promise((r) => setTimeout(() => r('<late>'), 5)) })).toBe('&lt;late&gt;-&lt;late&gt;-b!');
  });

  it('says to declare a block body async when it returns a promise', async () => {
    const engine = new Engine();
    await expect(engine.renderStringAsync('<%~ block("a", () => it.later.then(() => {})) %>', { later: Promise.resolve() })).rejects.toThrow(/declare it `async/);
  });

  it("accepts Eta's async spelling: await includeAsync() and blockAsync()", async () => {
    const engine = new Engine({
      dirs: [templateDir({ 'base.eta': '[<%~ await blockAsync("a") %>]', 'page.eta': '<% layout("base") %><% blockAsync("a", async () => { %><%~ await includeAsync("part", { v: await it.v }) %><% }) %>', 'part.eta': '<%= it.v %>' })],
    });
    expect(await engine.renderAsync('page.eta', { v: Promise.resolve('<x>') })).toBe('[&lt;x&gt;]');
  });
});
