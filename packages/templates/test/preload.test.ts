import * as fs from 'node:fs';
import { Client, createApp, type Logger, path } from '@manouche/core';
import { render, templatesApp } from '../src/index';
import { templateDir } from './helpers';

const SECRET_KEY = 'a-long-enough-secret-key-for-the-tests-0123456789abcdef-xyz';

function silentLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, debug: () => undefined, info: () => undefined, error: () => undefined, warn: (m) => warnings.push(m) };
}

describe('start-up preloading (DEBUG off)', () => {
  const dir = templateDir({
    'base.eta': '<main><%~ block("content") %></main>',
    'pages/article.eta': '<% layout("base") %><% block("content", () => { %><%= it.title %><% }) %>',
    'broken.eta': '<% if ( %>',
    'notes.txt': 'not a template',
  });

  it('compiles every template before the first request, so serving one reads no file', async () => {
    const logger = silentLogger();
    const app = createApp({
      settings: { SECRET_KEY, ALLOWED_HOSTS: ['testserver'], INSTALLED_APPS: [templatesApp()], TEMPLATES: [{ DIRS: [dir], APP_DIRS: false, OPTIONS: {} }] },
      urls: [path('', (request) => render(request, 'pages/article', { title: 'Hello' }))],
      logger,
      env: {},
    });
    await app.ready();
    expect(logger.warnings).toEqual([expect.stringMatching(/^Template broken\.eta does not compile; rendering it will fail:/)]);

    const nodeFs = jest.requireActual<typeof fs>('node:fs');
    const spies = ['readFileSync', 'statSync', 'realpathSync', 'readdirSync', 'existsSync'].map((name) => jest.spyOn(nodeFs, name as 'statSync'));
    const response = await new Client(app).get('/');
    expect(response.text).toBe('<main>Hello</main>');
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    spies.forEach((spy) => spy.mockRestore());
  });

  it('leaves loading on demand in DEBUG', async () => {
    const app = createApp({
      settings: { DEBUG: true, SECRET_KEY, INSTALLED_APPS: [templatesApp()], TEMPLATES: [{ DIRS: [dir], APP_DIRS: false, OPTIONS: {} }] },
      urls: [],
      logger: silentLogger(),
      env: {},
    });
    const nodeFs = jest.requireActual<typeof fs>('node:fs');
    const read = jest.spyOn(nodeFs, 'readFileSync');
    await app.ready();
    expect(read).not.toHaveBeenCalled();
    read.mockRestore();
  });
});
