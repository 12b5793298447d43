// The app every contender serves: the core benchmark's 50 routes and JSON views,
// differing only in their middleware.
import { createApp, JsonResponse, path, runServer } from '@manouche/core';

const filler = Array.from({ length: 48 }, (_, i) =>
  i % 2 ? path(`section${i}/<int:id>/`, (_r, { id }) => new JsonResponse({ id }), { name: `section${i}` }) : path(`page${i}/`, () => new JsonResponse({ i }), { name: `page${i}` }),
);

export async function serve(settings) {
  const app = createApp({
    settings: {
      DEBUG: false,
      SECRET_KEY: process.env.BENCH_SECRET_KEY ?? 'bench-secret-key-that-is-long-enough-0123456789-abcdefghij',
      ALLOWED_HOSTS: ['127.0.0.1', 'localhost'],
      APPEND_SLASH: false,
      ...settings,
    },
    urls: [
      ...filler,
      path('json', () => new JsonResponse({ message: 'Hello, World!' }), { name: 'json' }),
      path('articles/<int:id>/<slug:slug>/<str:name>/', (_r, params) => new JsonResponse(params), { name: 'article' }),
    ],
  });
  const server = await runServer(app, { port: 0, handleSignals: true });
  console.log(`listening ${server.url}`);
}
