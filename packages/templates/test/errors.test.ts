import { Client, createApp, Http404, HttpResponse, path, type Logger } from '@manouche/core';
import { Engine, TemplateDoesNotExist, TemplateRenderError, TemplateSyntaxError } from '../src/index';
import { templateDir } from './helpers';

function caught(fn: () => unknown): Error & { templateDebug?: { name: string; line: number; column: number; source: string } } {
  try {
    fn();
  } catch (error) {
    return error as never;
  }
  throw new Error('expected an error');
}

async function rejected(promise: Promise<unknown>): Promise<ReturnType<typeof caught>> {
  try {
    await promise;
  } catch (error) {
    return error as never;
  }
  throw new Error('expected a rejection');
}

const dir = templateDir({
  'unclosed.eta': 'line 1\n  <p><%= it.x </p>\n',
  'badjs.eta': 'a\nb <% if (it.x) { %>\n<%= it.y + %>\n<% } %>',
  'unbalanced.eta': 'a\n<% if (it.x) { %>\nb',
  'filter.eta': 'x\n  <%= f.truncateword(it.text, 3) %>',
  'base.eta': 'base\n<%~ block("content") %>',
  'page.eta': '<% layout("base") %>\n<% block("content", () => { %>\n  <p><%= it.user.name %></p>\n<% }) %>',
  'includer.eta': 'one\ntwo <%~ include("thrower", { n: 1 }) %>',
  'thrower.eta': '\n\n<%= it.n + it.bad.x.y %>',
  'missing-include.eta': 'one\n  <%~ include("nowhere") %>',
  'missing-parent.eta': '\n<% layout("no-base") %>',
  'http404.eta': '<% throw it.notFound %>',
});
const engine = new Engine({ dirs: [dir] });

describe('errors name the template, line and column, with the source around it', () => {
  it('an unclosed tag', () => {
    const error = caught(() => engine.render('unclosed.eta'));
    expect(error).toBeInstanceOf(TemplateSyntaxError);
    expect(error.templateDebug).toMatchObject({ name: 'unclosed.eta', line: 2, column: 6 });
    expect(error.message).toContain('unclosed tag');
    expect(error.message).toContain('> 2 |   <p><%= it.x </p>');
  });

  it('invalid JavaScript in a tag', () => {
    const error = caught(() => engine.render('badjs.eta'));
    expect(error).toBeInstanceOf(TemplateSyntaxError);
    expect(error.message).toContain('Invalid JavaScript in template "badjs.eta"');
    expect(error.templateDebug).toMatchObject({ name: 'badjs.eta', line: 3 });
  });

  it('a brace left open', () => {
    const error = caught(() => engine.render('unbalanced.eta'));
    expect(error).toBeInstanceOf(TemplateSyntaxError);
    expect(error.message).toContain('may not be closed');
    expect(error.templateDebug).toMatchObject({ name: 'unbalanced.eta', line: 2 });
  });

  it('an unknown filter, when the template compiles, with a suggestion', () => {
    const error = caught(() => engine.render('filter.eta'));
    expect(error).toBeInstanceOf(TemplateSyntaxError);
    expect(error.message).toContain('Invalid filter: "truncateword"');
    expect(error.templateDebug).toMatchObject({ name: 'filter.eta', line: 2, column: 7 });
    expect(error.templateDebug!.source).toBe('  1 | x\n> 2 |   <%= f.truncateword(it.text, 3) %>\n    |       ^');
  });

  it('a render that throws inside a block, reported in the template that defines the block', () => {
    const error = caught(() => engine.render('page.eta', { user: null }));
    expect(error).toBeInstanceOf(TemplateRenderError);
    expect(error.cause).toBeInstanceOf(TypeError);
    expect(error.templateDebug).toMatchObject({ name: 'page.eta', line: 3, column: 18 });
    expect(error.message).toMatch(/^TypeError: Cannot read properties of null \(reading 'name'\)\n {2}in "page\.eta", line 3, column 18:/);
    expect(error.stack).toContain('template:page.eta');
  });

  it('the same, rendered asynchronously', async () => {
    const error = await rejected(engine.renderAsync('page.eta', { user: null }));
    expect(error).toBeInstanceOf(TemplateRenderError);
    expect(error.templateDebug).toMatchObject({ name: 'page.eta', line: 3, column: 18 });
  });

  it('a render that throws in an included template', () => {
    const error = caught(() => engine.render('includer.eta', { bad: {} }));
    expect(error.templateDebug).toMatchObject({ name: 'thrower.eta', line: 3 });
  });

  it('a missing included template, at the include() call', () => {
    const error = caught(() => engine.render('missing-include.eta'));
    expect(error).toBeInstanceOf(TemplateDoesNotExist);
    expect(error.message).toContain('It was asked for by "missing-include.eta"');
    expect(error.templateDebug).toMatchObject({ name: 'missing-include.eta', line: 2 });
  });

  it('a missing parent, at the layout() call', async () => {
    const error = caught(() => engine.render('missing-parent.eta'));
    expect(error).toBeInstanceOf(TemplateDoesNotExist);
    expect(error.templateDebug).toMatchObject({ name: 'missing-parent.eta', line: 2, column: 4 });
    expect((await rejected(engine.renderAsync('missing-parent.eta'))).templateDebug).toMatchObject({ line: 2 });
  });

  it('keeps HTTP errors (a 404 raised while rendering stays a 404) and locates them', () => {
    const error = caught(() => engine.render('http404.eta', { notFound: new Http404('no such article') }));
    expect(error).toBeInstanceOf(Http404);
    expect(error.templateDebug).toMatchObject({ name: 'http404.eta', line: 1 });
  });
});

describe('with core', () => {
  function appFor(debug: boolean, logger?: Logger) {
    return createApp({
      settings: { DEBUG: debug, SECRET_KEY: 'k'.repeat(20) + 'a-long-enough-secret-key-for-the-tests-9f8e7d6c5b', ALLOWED_HOSTS: ['*'] },
      urls: [path('', () => new HttpResponse(engine.render('page.eta', { user: null })))],
      logger,
      global: false,
    });
  }

  it('shows the template, line and source on the DEBUG page', async () => {
    const response = await new Client(appFor(true)).get('/');
    expect(response.status).toBe(500);
    expect(response.text).toContain('Template error in page.eta, line 3, column 18');
    expect(response.text).toContain('&lt;p&gt;&lt;%= it.user.name %&gt;&lt;/p&gt;');
  });

  it('answers a plain 500 in production and logs the located error', async () => {
    const logged: Array<{ message: string; meta?: Record<string, unknown> }> = [];
    const logger: Logger = { debug() {}, info() {}, warn() {}, error: (message, meta) => logged.push({ message, meta }) };
    const response = await new Client(appFor(false, logger)).get('/');
    expect(response.status).toBe(500);
    expect(response.text).not.toContain('page.eta');
    expect(response.text).not.toContain('TypeError');
    expect(logged).toHaveLength(1);
    expect(String((logged[0]!.meta!.error as Error).message)).toContain('"page.eta", line 3, column 18');
  });
});
