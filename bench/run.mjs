// The full-stack benchmark: Manouche against raw node:http + pg, Fastify + pg + Eta and
// Express + TypeORM + Eta, on the local PostgreSQL, in one run.
//
//   npm run bench                      # full run, results in bench/results/
//   npm run bench -- --smoke           # a few seconds: correctness of every contender, no timing
//   npm run bench -- --rounds 5 --seconds 5 --connections 64
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ratioChart } from './fullstack/chart.mjs';
import { prepareDatabase } from './fullstack/database.mjs';
import { EDGE_CASES, TESTS } from './fullstack/tests.mjs';
import { compare, pairedRatio } from './lib/compare.mjs';
import { generator, load } from './lib/load.mjs';
import { startServer } from './lib/process.mjs';
import { flags, fmt, machine, median, table } from './lib/stats.mjs';

const opts = { rounds: 3, seconds: 5, warmup: 3, connections: 64, ...flags() };
const here = (f) => fileURLToPath(new URL(f, import.meta.url));
const CONTENDERS = {
  manouche: here('fullstack/contenders/manouche.mjs'),
  raw: here('fullstack/contenders/raw.mjs'),
  fastify: here('fullstack/contenders/fastify.mjs'),
  'express-typeorm': here('fullstack/contenders/express-typeorm.mjs'),
};
const log = (message) => console.error(`[bench] ${message}`);

/** Every contender answers every test (and the ?queries= edge cases) correctly. */
async function verifyAll() {
  for (const [name, script] of Object.entries(CONTENDERS)) {
    const server = await startServer(script);
    try {
      for (const [label, test] of Object.entries(TESTS)) {
        if (test.only && !test.only.includes(name)) continue;
        const path = test.paths?.[name] ?? test.path;
        for (let i = 0; i < 3; i++) {
          const response = await fetch(server.url + path);
          const problem = response.status === 200 ? test.check(await response.text(), response) : `status ${response.status}`;
          if (problem) throw new Error(`${name} ${label} (${path}): ${problem}`);
        }
      }
      for (const edge of EDGE_CASES) {
        const response = await fetch(server.url + edge.path);
        const problem = edge.check(await response.text(), response);
        if (problem) throw new Error(`${name} ${edge.path}: ${problem}`);
      }
      // a short burst under concurrency: every answer must still be a 2xx
      const burst = await load(server.url + '/db', { connections: 8, seconds: 1 });
      if (burst.non2xx || burst.errors) throw new Error(`${name} /db under load: ${burst.non2xx} non-2xx, errors: ${burst.errors}`);
      log(`${name}: all tests answered correctly`);
    } finally {
      await server.stop();
    }
  }
}

/** Milliseconds from spawning a process to its first successful /db answer (median of 3). */
async function startupToFirstDb(script) {
  const times = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    const server = await startServer(script);
    for (;;) {
      const ok = await fetch(server.url + '/db').then((r) => r.ok, () => false);
      if (ok) break;
    }
    times.push(performance.now() - started);
    await server.stop();
  }
  return median(times);
}

async function main() {
  await prepareDatabase(log);
  await verifyAll();
  if (opts.smoke) {
    log('smoke mode: every contender answered every test correctly (no timing in smoke mode)');
    return;
  }

  const startup = {};
  for (const [name, script] of Object.entries(CONTENDERS)) startup[name] = await startupToFirstDb(script);

  const tests = Object.fromEntries(Object.entries(TESTS).filter(([, t]) => !t.only).map(([label, t]) => [label, t]));
  const all = await compare(CONTENDERS, tests, { ...opts, log });
  const page = await compare({ manouche: CONTENDERS.manouche, raw: CONTENDERS.raw }, { page: TESTS.page }, { ...opts, log, modes: ['concurrent'] });
  report(all, page, startup);
}

function report(all, page, startup) {
  const names = Object.keys(CONTENDERS);
  const rows = [];
  for (const [label, test] of Object.entries(TESTS)) {
    if (test.only) continue;
    for (const name of names) {
      const seq = all.sequential[label][name];
      rows.push([label, name, fmt(median(seq.rps)), fmt(median(seq.p50), 2), fmt(median(seq.p99), 2)]);
    }
  }
  const rss = names.map((n) => [n, fmt(all.servers[n].peakRssMb, 1), fmt(startup[n])]);
  const ratios = [];
  const targetRows = [];
  for (const [label, test] of Object.entries(TESTS)) {
    if (test.only) continue;
    for (const against of ['raw', 'fastify', 'express-typeorm']) {
      const ratio = pairedRatio(all.concurrent[label].manouche, all.concurrent[label][against]);
      ratios.push({ test: label, against, ratio });
    }
  }
  const ratioOf = (test, against) => ratios.find((r) => r.test === test && r.against === against).ratio;
  const pageRatio = pairedRatio(page.concurrent.page.manouche, page.concurrent.page.raw);
  const check = (what, value, ok) => targetRows.push([what, value, ok ? 'met' : 'MISSED']);
  for (const [label, test] of Object.entries(TESTS)) {
    if (test.only) continue;
    check(`${label} ≥ ${test.target}× raw`, `${ratioOf(label, 'raw').toFixed(2)}×`, ratioOf(label, 'raw') >= test.target);
  }
  for (const label of ['db', 'fortunes']) check(`${label} ≥ 2.5× Express+TypeORM`, `${ratioOf(label, 'express-typeorm').toFixed(2)}×`, ratioOf(label, 'express-typeorm') >= 2.5);
  for (const [label, test] of Object.entries(TESTS)) if (!test.only) check(`${label} ≥ Fastify`, `${ratioOf(label, 'fastify').toFixed(2)}×`, ratioOf(label, 'fastify') >= 1);
  check('/page (full default stack) ≥ 0.70× raw fortunes', `${pageRatio.toFixed(2)}×`, pageRatio >= 0.7);
  const rssRatio = all.servers.manouche.peakRssMb / all.servers.raw.peakRssMb;
  check('peak RSS ≤ 1.5× raw', `${rssRatio.toFixed(2)}×`, rssRatio <= 1.5);
  check('start to first /db ≤ 1 s', `${fmt(startup.manouche)} ms`, startup.manouche <= 1000);

  const header = `${new Date().toISOString().slice(0, 10)} — ${opts.machine ?? ''}`;
  const text = [
    `Throughput and latency, each contender alone on one core (${generator}, ${opts.connections} connections, ${opts.rounds} rounds × ${opts.seconds}s, medians):\n`,
    table(['test', 'contender', 'req/s', 'p50 ms', 'p99 ms'], rows),
    '\nManouche ÷ contender, all contenders together on one core (median of paired rounds):\n',
    table(['test', 'vs raw', 'vs fastify', 'vs express-typeorm'], Object.keys(tests).map((label) => [label, ...['raw', 'fastify', 'express-typeorm'].map((a) => `${ratioOf(label, a).toFixed(2)}×`)])),
    '\nPeak RSS under load and start-up:\n',
    table(['contender', 'peak RSS MB', 'start → first /db ms'], rss),
    '\nTargets:\n',
    table(['target', 'measured', ''], targetRows),
  ].join('\n');
  mkdirSync(here('results'), { recursive: true });
  writeFileSync(here('results/fullstack.md'), `${header}\n\n${text}\n`);
  writeFileSync(here('results/fullstack-ratios.svg'), ratioChart(ratios));
  console.log(text);
  log('wrote bench/results/fullstack.md and bench/results/fullstack-ratios.svg');
}

opts.machine = await machine();
main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
