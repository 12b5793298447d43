// A TechEmpower-style fortunes page built with @manouche/core only (the
// template package may not be ready): read the fortunes, add one at request
// time, sort by message, render an escaped HTML table. `cached` puts the
// page-cache middleware pair around it; everything else is identical.
import pg from 'pg';
import { createApp, escape, HttpResponse, path, runServer, commonMiddleware } from '@manouche/core';
import { cacheApp, fetchFromCacheMiddleware, updateCacheMiddleware } from '@manouche/cache';

export const FORTUNES = [
  [1, 'fortune: No such file or directory'],
  [2, "A computer scientist is someone who fixes things that aren't broken."],
  [3, 'After enough decimal places, nobody gives a damn.'],
  [4, 'A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1'],
  [5, 'A computer program does what you tell it to do, not what you want it to do.'],
  [6, 'Emacs is a nice operating system, but I prefer UNIX. — Tom Christaensen'],
  [7, 'Any program that runs right is obsolete.'],
  [8, 'A list is only as strong as its weakest link. — Donald Knuth'],
  [9, 'Feature: A bug with seniority.'],
  [10, 'Computers make very fast, very accurate mistakes.'],
  [11, '<script>alert("This should not be displayed in a browser alert box.");</script>'],
  [12, 'フレームワークのベンチマーク'],
];

function render(rows) {
  const all = [...rows, { id: 0, message: 'Additional fortune added at request time.' }].sort((a, b) => (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
  let html = '<!DOCTYPE html><html><head><title>Fortunes</title></head><body><table><tr><th>id</th><th>message</th></tr>';
  for (const { id, message } of all) html += `<tr><td>${escape(String(id))}</td><td>${escape(message)}</td></tr>`;
  return `${html}</table></body></html>`;
}

export async function serve({ cached }) {
  const pool = new pg.Pool({ connectionString: process.env.BENCH_DATABASE_URL, max: 8, options: `-c search_path=${process.env.BENCH_SCHEMA}` });
  const fromMemory = FORTUNES.map(([id, message]) => ({ id, message }));
  const app = createApp({
    settings: {
      DEBUG: false,
      SECRET_KEY: process.env.BENCH_SECRET_KEY ?? 'bench-secret-key-that-is-long-enough-0123456789-abcdefghij',
      ALLOWED_HOSTS: ['127.0.0.1', 'localhost'],
      APPEND_SLASH: false,
      INSTALLED_APPS: [cacheApp()],
      MIDDLEWARE: cached ? [updateCacheMiddleware, commonMiddleware, fetchFromCacheMiddleware] : [commonMiddleware],
      CACHE_MIDDLEWARE_SECONDS: 600,
    },
    urls: [
      path('fortunes/', async () => new HttpResponse(render((await pool.query('SELECT id, message FROM fortune')).rows))),
      path('fortunes-memory/', () => new HttpResponse(render(fromMemory))),
    ],
  });
  const server = await runServer(app, { port: 0, handleSignals: true });
  console.log(`listening ${server.url}`);
}
