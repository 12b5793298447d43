// The default @manouche/security stack against the same app without it, side by side in one run.
//   node bench/security/http.bench.mjs [--rounds 7] [--seconds 4] [--connections 64]
// Build first: (cd packages/core && npx tsup) && (cd packages/security && npx tsup)
import { fileURLToPath } from 'node:url';
import { compare, pairedRatio } from '../lib/compare.mjs';
import { generator } from '../lib/load.mjs';
import { startServer } from '../lib/process.mjs';
import { flags, fmt, machine, median, table } from '../lib/stats.mjs';

const opts = { rounds: 7, seconds: 4, connections: 64, warmup: 3, ...flags() };
const here = (f) => fileURLToPath(new URL(f, import.meta.url));
const equals = (expected) => (body) => (body === expected ? null : `expected ${expected}, got ${body}`);
const tests = {
  'JSON GET (50 routes)': { path: '/json', check: equals('{"message":"Hello, World!"}') },
  'route with three converters': { path: '/articles/42/hello-world/ann/', check: equals('{"id":42,"slug":"hello-world","name":"ann"}') },
};
const TARGET = 0.9; // the stack may cost at most 10% of throughput

// the security contender must really run the stack: checked before timing anything
const contenders = { bare: here('servers/bare.mjs'), 'core default': here('servers/core-default.mjs'), security: here('servers/security.mjs') };
{
  const server = await startServer(contenders.security);
  try {
    const response = await fetch(`${server.url}/json`);
    const expected = { 'x-frame-options': 'DENY', 'x-content-type-options': 'nosniff', 'referrer-policy': 'same-origin', 'cross-origin-opener-policy': 'same-origin' };
    for (const [name, value] of Object.entries(expected)) {
      if (response.headers.get(name) !== value) throw new Error(`the security contender sent ${name}: ${response.headers.get(name)}, expected ${value}`);
    }
  } finally {
    await server.stop();
  }
}
const { sequential, concurrent } = await compare(contenders, tests, opts);
const rows = [];
for (const label of Object.keys(tests)) {
  for (const baseline of ['bare', 'core default']) {
    const ratio = pairedRatio(concurrent[label].security, concurrent[label][baseline]);
    rows.push([
      label,
      baseline,
      fmt(median(sequential[label][baseline].rps)),
      fmt(median(sequential[label].security.rps)),
      `${fmt((1 - pairedRatio(sequential[label].security, sequential[label][baseline])) * 100, 1)}%`,
      `${fmt((1 - ratio) * 100, 1)}%`,
      '≤ 10%',
      ratio >= TARGET ? 'met' : 'MISSED',
    ]);
  }
}
console.log(`\n${await machine()}; load: ${generator} on its own CPU, ${opts.connections} connections, ${opts.rounds} rounds of ${opts.seconds}s\n`);
console.log(
  table(['test', 'baseline', 'baseline req/s (alone)', 'security stack req/s (alone)', 'overhead, alone (noisy)', 'overhead, same core same moment', 'target', ''], rows),
);
