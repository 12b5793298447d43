// The newsroom (apps/newsroom, its built dist/manage.js) under load: the front page with 20 articles
// and the page cache off, an article page with 20 comments, and the front page with the page cache on.
//   npx turbo run build --filter=newsroom...   (the app and the packages it runs from)
//   node bench/newsroom/home.bench.mjs [--rounds 3] [--seconds 5] [--warmup 3] [--connections 64] [--profile]
//
// The data: a fresh SQLite file in a temporary folder, filled by the app's own commands (migrate,
// loaddemo), plus 20 comments on the newest article; never the user's apps/newsroom/var database.
// Two servers with DEBUG=false, both pinned to CPU 0 and run one at a time (wrk on CPU 1): one with
// CACHE_URL=dummy:// (nothing cached, the navigation's sections included), one with the default
// memory cache. The cases are interleaved round by round; each figure is the median over rounds,
// and the ratio is the median of the ratios measured within each round.
// Every answer is checked by wrk (check.lua): a status other than 200 or a page without the
// expected titles counts as wrong, and a run with any wrong answer or socket error is refused.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { LOAD_CPU, pinned, startServer, track } from '../lib/process.mjs';
import { summarize } from '../lib/profile.mjs';
import { flags, fmt, machine, median, table } from '../lib/stats.mjs';

const opts = { rounds: 3, seconds: 5, warmup: 3, connections: 64, ...flags() };
const here = (f) => fileURLToPath(new URL(f, import.meta.url));
const manage = here('../../apps/newsroom/dist/manage.js');
const execFileAsync = promisify(execFile);

const dir = mkdtempSync(join(tmpdir(), 'bench-newsroom-'));
const env = {
  DEBUG: 'false',
  SECRET_KEY: 'bench-newsroom-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz',
  SQLITE_PATH: join(dir, 'newsroom.sqlite3'),
  MEDIA_ROOT: join(dir, 'media'),
  EMAIL_BACKEND: 'memory',
};

/** `node manage.js <args>` with the benchmark's settings. */
const manageCommand = (...args) => execFileAsync(process.execPath, [manage, ...args], { env: { ...process.env, ...env } });

/** The demo data, and 20 comments on the newest published article; what the pages must show. */
async function prepare() {
  await manageCommand('migrate');
  await manageCommand('loaddemo');
  const db = new Database(env.SQLITE_PATH);
  try {
    const home = db.prepare("SELECT id, slug, title FROM news_article WHERE status = 'published' ORDER BY published_at DESC LIMIT 20").all();
    const article = home[0];
    const reader = db.prepare("SELECT id FROM auth_user WHERE username = 'ann'").get();
    db.prepare('DELETE FROM news_comment WHERE article_id = ?').run(article.id);
    const insert = db.prepare('INSERT INTO news_comment (article_id, user_id, body, is_public, created_at) VALUES (?, ?, ?, 1, ?)');
    const comments = Array.from({ length: 20 }, (_, i) => `Benchmark comment number ${String(i + 1).padStart(2, '0')}.`);
    db.transaction(() => comments.forEach((body, i) => insert.run(article.id, reader.id, body, new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString().replace('T', ' ').replace('Z', ''))))();
    return { titles: home.map((a) => a.title), article, comments };
  } finally {
    db.close();
  }
}

const data = await prepare();
if (data.titles.length !== 20) throw new Error(`The demo has ${data.titles.length} published articles, 20 needed.`);
// the full check, before any load: every title, every comment; under load, wrk checks the first and last of each
const cases = {
  'front page, 20 articles, cache off': { server: 'uncached', path: '/', all: data.titles, expect: [data.titles[0], data.titles[19]] },
  'article page, 20 comments': { server: 'uncached', path: `/articles/${data.article.slug}/`, all: [data.article.title, ...data.comments], expect: [data.article.title, data.comments[19]] },
  'front page, 20 articles, page cache on': { server: 'cached', path: '/', all: data.titles, expect: [data.titles[0], data.titles[19]] },
};

const servers = {};
const profileDir = opts.profile ? join(dir, 'profiles') : undefined;
const serverEnv = { uncached: { ...env, CACHE_URL: 'dummy://' }, cached: env };
for (const [name, extra] of Object.entries(serverEnv)) {
  const nodeArgs = profileDir ? ['--cpu-prof', '--cpu-prof-dir', join(profileDir, name)] : [];
  servers[name] = await startServer(here('server.mjs'), { env: extra, nodeArgs });
}

/** Fail unless `url` answers 200 with every one of `all` in its body. */
async function verify(url, all) {
  const response = await fetch(url);
  const body = await response.text();
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
  const missing = all.filter((text) => !body.includes(text));
  if (missing.length) throw new Error(`${url} lacks ${missing.map((t) => JSON.stringify(t)).join(', ')}`);
}

const unit = { us: 1e-3, ms: 1, s: 1000 };
const toMs = (text) => {
  const m = /([\d.]+)(us|ms|s)\b/.exec(text ?? '');
  return m ? Number(m[1]) * unit[m[2]] : NaN;
};

/** wrk on `url` for `seconds`, checking every answer; { rps, p50, p99, requests }. */
async function run(url, expect, seconds) {
  const args = ['-t', '1', '-c', String(opts.connections), '-d', `${seconds}s`, '--timeout', `${Math.max(10, 2 * seconds)}s`, '--latency', '-s', here('check.lua'), url];
  const [command, argv] = pinned(LOAD_CPU, 'wrk', args);
  const pending = execFileAsync(command, argv, { env: { ...process.env, WRK_EXPECT: expect.join('\n') }, maxBuffer: 1 << 20 });
  track(pending.child);
  const { stdout } = await pending;
  const result = {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]),
    requests: Number(/(\d+) requests in/.exec(stdout)?.[1]),
    p50: toMs(/\s50%\s+(\S+)/.exec(stdout)?.[1]),
    p99: toMs(/\s99%\s+(\S+)/.exec(stdout)?.[1]),
    wrong: Number(/Wrong answers: (\d+)/.exec(stdout)?.[1] ?? NaN),
    errors: /Socket errors:(.*)/.exec(stdout)?.[1]?.trim() ?? '',
  };
  if (result.wrong !== 0 || result.errors || !(result.requests > 0)) throw new Error(`${url}: ${result.wrong} wrong answers of ${result.requests}; socket errors: ${result.errors || 'none'}\n${stdout}`);
  return result;
}

const results = {};
try {
  for (const [label, c] of Object.entries(cases)) {
    await verify(servers[c.server].url + c.path, c.all);
    await run(servers[c.server].url + c.path, c.expect, opts.warmup);
    console.error(`checked and warmed up: ${label}`);
  }
  for (let round = 1; round <= opts.rounds; round++) {
    for (const [label, c] of Object.entries(cases)) {
      const server = servers[c.server];
      const cpuBefore = server.cpuTimeMs();
      const r = await run(server.url + c.path, c.expect, opts.seconds);
      // the server's CPU time per answer: what a request costs whatever the neighbours on the core do
      r.perCpuSecond = (r.requests * 1000) / (server.cpuTimeMs() - cpuBefore);
      (results[label] ??= []).push(r);
      console.error(`round ${round}: ${label}: ${fmt(r.rps)} req/s, p99 ${fmt(r.p99, 1)} ms, ${fmt(r.perCpuSecond)} req per CPU-second, ${r.requests} answers checked`);
    }
  }
} finally {
  await Promise.all(Object.values(servers).map((s) => s.stop()));
}

const off = results['front page, 20 articles, cache off'];
const on = results['front page, 20 articles, page cache on'];
const ratios = on.map((r, i) => r.rps / off[i].rps);
const ratio = median(ratios);
const cpuRatio = median(on.map((r, i) => r.perCpuSecond / off[i].perCpuSecond));
const rows = Object.entries(results).map(([label, runs]) => [
  label,
  fmt(median(runs.map((r) => r.rps))),
  fmt(median(runs.map((r) => r.p50)), 2),
  fmt(median(runs.map((r) => r.p99)), 2),
  fmt(median(runs.map((r) => r.perCpuSecond))),
  runs.map((r) => fmt(r.rps)).join(' / '),
]);
console.log(`\n${await machine()}; wrk on its own CPU, ${opts.connections} connections, ${opts.rounds} rounds of ${opts.seconds}s, interleaved\n`);
console.log(table(['case', 'req/s (median)', 'p50 ms', 'p99 ms', 'req per CPU-second', 'req/s by round'], rows));
console.log(`\nfront page, cached ÷ uncached: ${fmt(ratio, 1)}× in req/s (median of the rounds' ratios ${ratios.map((r) => fmt(r, 1)).join(' / ')}), ${fmt(cpuRatio, 1)}× in req per CPU-second; target ≥ 5×: ${ratio >= 5 ? 'met' : 'MISSED'}`);

if (profileDir) {
  for (const name of Object.keys(servers)) {
    const folder = join(profileDir, name);
    for (const file of readdirSync(folder)) {
      const p = summarize(join(folder, file));
      console.log(`\n${name} server profile (${fmt(p.totalMs)} ms busy): packages ${p.packages.slice(0, 8).map((x) => `${x.pkg} ${fmt(x.pct, 1)}%`).join(', ')}`);
      console.log(table(['self', 'function', 'where'], p.self.slice(0, 15).map((x) => [`${fmt(x.pct, 1)}%`, x.fn, x.where])));
    }
  }
}
rmSync(dir, { recursive: true, force: true });
