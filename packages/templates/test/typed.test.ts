import type { HttpRequest } from '@manouche/core';
import { Engine, render } from '../src/index';
import { templateDir } from './helpers';

// A project declares its templates' contexts once (from outside: `declare module '@manouche/templates'`).
declare module '../src/typed' {
  interface TemplateContexts {
    'typed/article.eta': { article: { title: string; tags: string[] } };
  }
}

const engine = new Engine({ dirs: [templateDir({ 'typed/article.eta': '<%= it.article.title %> (<%= it.article.tags.length %>)', 'free.eta': '<%= it.x %>' })] });

test('a template can declare its context type, checked by the compiler', () => {
  expect(engine.render('typed/article.eta', { article: { title: 'T', tags: ['a'] } })).toBe('T (1)');
  expect(engine.getTemplate('typed/article.eta').render({ article: { title: 'U', tags: [] } })).toBe('U (0)');
  // Templates without a declaration take any object.
  expect(engine.render('free.eta', { x: 1, anything: true })).toBe('1');
});

// Compile-time checks only (tsc --noEmit runs over the tests).
export function typeChecks(request: HttpRequest): void {
  // @ts-expect-error -- `headline` is not in the declared context
  engine.render('typed/article.eta', { article: { headline: 'T', tags: [] } });
  // @ts-expect-error -- `tags` is missing
  engine.getTemplate('typed/article.eta').render({ article: { title: 'T' } });
  // @ts-expect-error -- render(request, name, context) is checked too
  void render(request, 'typed/article.eta', { article: { title: 1, tags: [] } });
  void render(request, 'typed/article.eta', { article: { title: 'ok', tags: [] } });
}
