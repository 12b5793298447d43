// @manouche/core against raw node:http, side by side in one run.
//   node bench/core/http.bench.mjs [--rounds 7] [--seconds 4] [--connections 64]
import { fileURLToPath } from 'node:url';
import { compare, pairedRatio } from '../lib/compare.mjs';
import { generator } from '../lib/load.mjs';
import { flags, fmt, machine, median, table } from '../lib/stats.mjs';

const opts = { rounds: 7, seconds: 4, connections: 64, warmup: 3, ...flags() };
const here = (f) => fileURLToPath(new URL(f, import.meta.url));
const equals = (expected) => (body) => (body === expected ? null : `expected ${expected}, got ${body}`);
const tests = {
  'JSON hello-world (50 routes, default middleware)': { path: '/json', check: equals('{"message":"Hello, World!"}'), target: 0.9 },
  'route with three converters': { path: '/articles/42/hello-world/ann/', check: equals('{"id":42,"slug":"hello-world","name":"ann"}'), target: 0.85 },
};

const { sequential, concurrent } = await compare({ raw: here('servers/raw.mjs'), manouche: here('servers/manouche.mjs') }, tests, opts);
const rows = Object.entries(tests).map(([label, { target }]) => {
  const ratio = pairedRatio(concurrent[label].manouche, concurrent[label].raw);
  return [
    label,
    fmt(median(sequential[label].raw.rps)),
    fmt(median(sequential[label].manouche.rps)),
    `${fmt(pairedRatio(sequential[label].manouche, sequential[label].raw) * 100, 1)}%`,
    `${fmt(ratio * 100, 1)}%`,
    `≥ ${target * 100}%`,
    ratio >= target ? 'met' : 'MISSED',
  ];
});
console.log(`\n${await machine()}; load: ${generator} on its own CPU, ${opts.connections} connections, ${opts.rounds} rounds of ${opts.seconds}s\n`);
console.log(
  table(['test', 'raw node:http req/s (alone)', '@manouche/core req/s (alone)', 'ratio, alone (noisy)', 'ratio, same core same moment', 'target', ''], rows),
);
