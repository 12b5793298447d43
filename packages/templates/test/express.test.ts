import type { AddressInfo } from 'node:net';
import express from 'express';
import { Engine, expressEngine } from '../src/index';
import { templateDir } from './helpers';

const views = templateDir({
  'layout.eta': '<title><%~ block("title") %></title><main><%~ block("main") %></main>',
  'page.eta': '<% layout("layout") %><% block("title", () => { %><%= it.title %><% }) %><% block("main", () => { %><%= it.site %>:<%= f.upper(it.user) %><% }) %>',
  'broken.eta': '<%= it.missing.value %>',
});

async function serve(app: express.Express): Promise<{ url: string; close: () => Promise<void> }> {
  const server = app.listen(0);
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('use in Express', () => {
  it("renders with app.engine('eta', expressEngine(engine)), app.locals and res.locals", async () => {
    const engine = new Engine({ dirs: [views] });
    const app = express();
    app.engine('eta', expressEngine(engine));
    app.set('view engine', 'eta');
    app.set('views', views);
    app.locals.site = 'Newsroom';
    app.get('/', (_req, res) => {
      res.locals.user = 'ann';
      res.render('page', { title: '<Home>' });
    });
    app.get('/broken', (_req, res) => res.render('broken'));
    app.use((error: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(500).type('text').send(error.message);
    });
    const server = await serve(app);
    try {
      const ok = await fetch(`${server.url}/`);
      expect(ok.status).toBe(200);
      expect(await ok.text()).toBe('<title>&lt;Home&gt;</title><main>Newsroom:ANN</main>');
      const broken = await fetch(`${server.url}/broken`);
      expect(broken.status).toBe(500);
      expect(await broken.text()).toContain('"broken.eta", line 1, column 16');
    } finally {
      await server.close();
    }
  });

  it('refuses a view outside the engine folders', (done) => {
    expressEngine(new Engine({ dirs: [views] }))('/etc/passwd', {}, (error) => {
      expect(String(error)).toContain("is not inside the template engine's folders");
      done();
    });
  });
});
