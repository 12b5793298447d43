// Side-by-side HTTP comparison of several servers in one run.
//
// This machine's CPU speed drifts by ±20% from one second to the next (shared,
// virtualised), far more than the 10% differences the targets are about. So
// the ratios are measured with every contender running *at the same time* on
// the same pinned core, each driven by its own load generator: the scheduler
// shares the core between them, each one's throughput is proportional to
// 1 / (its CPU cost per request), and every contender sees the same noise at
// the same moment. Absolute req/s come from sequential runs (one contender
// alone on the core), interleaved round by round.
import { load } from './load.mjs';
import { startServer } from './process.mjs';
import { median } from './stats.mjs';

/** A test may give some contenders another path (`paths: { raw: '/fortunes' }`). */
const pathOf = (test, name) => test.paths?.[name] ?? test.path;

async function verify(servers, tests) {
  for (const [name, server] of Object.entries(servers)) {
    for (const test of Object.values(tests)) {
      const response = await fetch(server.url + pathOf(test, name), { headers: test.headers });
      const body = await response.text();
      const problem = test.check(body, response);
      if (problem) throw new Error(`${name} ${pathOf(test, name)} answered incorrectly: ${problem}`);
    }
  }
}

function record(results, label, name, r) {
  const slot = ((results[label] ??= {})[name] ??= { rps: [], p50: [], p99: [] });
  slot.rps.push(r.rps);
  slot.p50.push(r.p50);
  slot.p99.push(r.p99);
}

function assertClean(name, path, r) {
  if (r.non2xx || r.errors) throw new Error(`${name} ${path}: ${r.non2xx} non-2xx responses; socket errors: ${r.errors || 'none'}`);
}

/**
 * contenders: { name: scriptPath }; tests: { label: { path, paths?, check(body, response), headers? } }
 * Returns { sequential, concurrent, servers } where sequential/concurrent are
 * { test: { contender: { rps[], p50[], p99[] } } }.
 */
export async function compare(contenders, tests, { rounds = 5, seconds = 5, warmup = 3, connections = 64, env = {}, log = console.error, modes = ['sequential', 'concurrent'] } = {}) {
  const servers = {};
  for (const [name, script] of Object.entries(contenders)) servers[name] = await startServer(script, { env });
  try {
    await verify(servers, tests);
    for (const [label, test] of Object.entries(tests)) {
      await Promise.all(Object.entries(servers).map(([name, s]) => load(s.url + pathOf(test, name), { connections, seconds: warmup, headers: test.headers })));
      log(`warmed up: ${label}`);
    }
    const sequential = {};
    const concurrent = {};
    for (let round = 1; round <= rounds; round++) {
      for (const [label, test] of Object.entries(tests)) {
        if (modes.includes('sequential')) {
          for (const [name, server] of Object.entries(servers)) {
            const r = await load(server.url + pathOf(test, name), { connections, seconds, headers: test.headers });
            assertClean(name, pathOf(test, name), r);
            record(sequential, label, name, r);
          }
        }
        if (modes.includes('concurrent')) {
          const names = Object.keys(servers);
          const runs = await Promise.all(names.map((name) => load(servers[name].url + pathOf(test, name), { connections, seconds, headers: test.headers })));
          runs.forEach((r, i) => {
            assertClean(names[i], pathOf(test, names[i]), r);
            record(concurrent, label, names[i], r);
          });
        }
        const seq = modes.includes('sequential') ? Object.entries(sequential[label]).map(([n, s]) => `${n} ${Math.round(s.rps.at(-1))}`).join(', ') : '';
        const con = modes.includes('concurrent') ? Object.entries(concurrent[label]).map(([n, s]) => `${n} ${Math.round(s.rps.at(-1))}`).join(', ') : '';
        log(`round ${round} ${label}: alone [${seq}] together [${con}]`);
      }
    }
    const info = Object.fromEntries(Object.entries(servers).map(([n, s]) => [n, { peakRssMb: s.peakRssMb(), startupMs: s.startupMs }]));
    return { sequential, concurrent, servers: info };
  } finally {
    await Promise.all(Object.values(servers).map((s) => s.stop()));
  }
}

/** The median over rounds of (a's req/s ÷ b's req/s) measured in the same round. */
export function pairedRatio(slotA, slotB) {
  return median(slotA.rps.map((rps, i) => rps / slotB.rps[i]));
}
