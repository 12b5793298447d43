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

/** A test may give some contenders another path (`paths: { raw: '/fortunes' }`) or check (`checks`). */
export const pathOf = (test, name) => test.paths?.[name] ?? test.path;
export const checkOf = (test, name) => test.checks?.[name] ?? test.check;

async function verify(servers, tests) {
  for (const [name, server] of Object.entries(servers)) {
    for (const test of Object.values(tests)) {
      const response = await fetch(server.url + pathOf(test, name), { headers: test.headers });
      const body = await response.text();
      const problem = checkOf(test, name)(body, response);
      if (problem) throw new Error(`${name} ${pathOf(test, name)} answered incorrectly: ${problem}`);
    }
  }
}

function record(results, label, name, r, rssMb, cpuMs, sidecarMs = NaN) {
  const slot = ((results[label] ??= {})[name] ??= { rps: [], p50: [], p99: [], rssMb: [], cpuUs: [], sidecarUs: [] });
  slot.rps.push(r.rps);
  slot.cpuUs.push((cpuMs * 1000) / r.requests);
  slot.sidecarUs.push((sidecarMs * 1000) / r.requests);
  slot.p50.push(r.p50);
  slot.p99.push(r.p99);
  slot.rssMb.push(rssMb);
}

/**
 * Refuse a run with errors, or (alone) with no answer at all. Side by side, a slow contender's
 * requests may all still be in flight when the window closes (64 requests sharing a fraction of
 * a core): that run counts as 0 req/s and is left out of the paired ratios.
 */
function problemOf(r, { sharedCore = false } = {}) {
  return r.non2xx || r.errors || !(r.rps > 0 || (sharedCore && r.rps === 0)) ? `${r.rps} req/s, ${r.non2xx} non-2xx responses; socket errors: ${r.errors || 'none'}` : null;
}

function assertClean(server, name, path, r, options) {
  const problem = problemOf(r, options);
  if (problem) throw new Error(`${name} ${path}: ${problem}\n${name}'s stderr:\n${server.stderr()}`);
}

/** CPU ms used between two { pid: ms } snapshots, counting processes that appeared in between from 0. */
function cpuDelta(before, after) {
  let ms = 0;
  for (const [pid, now] of after) ms += now - (before.get(pid) ?? 0);
  return ms;
}

/**
 * contenders: { name: scriptPath }; tests: { label: { path, paths?, check(body, response), headers? } }
 * envOf(name): environment for one contender's process (on top of `env`).
 * sidecar: optional async (name) => Map<pid, cpuMs> of other processes that work for that
 * contender (its database backends), sampled around each sequential run.
 * Returns { sequential, concurrent, servers } where sequential/concurrent are
 * { test: { contender: { rps[], p50[], p99[], rssMb[], cpuUs[] } } } (rssMb: the peak RSS during
 * that run, when the kernel lets us reset the high-water mark, else the peak so far; cpuUs: the
 * server's CPU time per request answered, in µs; sidecarUs: the same for the processes `sidecar`
 * names, such as the database's backends, in sequential runs) and servers is
 * { contender: { peakRssMb, startupMs } }.
 */
export async function compare(contenders, tests, { rounds = 5, seconds = 5, warmup = 3, connections = 64, env = {}, envOf = () => ({}), log = console.error, modes = ['sequential', 'concurrent'], sidecar } = {}) {
  const servers = {};
  for (const [name, script] of Object.entries(contenders)) servers[name] = await startServer(script, { env: { ...env, ...envOf(name) } });
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
            const url = server.url + pathOf(test, name);
            const alone = async () => {
              server.resetPeakRss();
              const sideBefore = await sidecar?.(name);
              const cpuBefore = server.cpuTimeMs();
              const r = await load(url, { connections, seconds, headers: test.headers });
              const cpuMs = server.cpuTimeMs() - cpuBefore;
              return { r, cpuMs, rssMb: server.peakRssMb(), sidecarMs: sideBefore && cpuDelta(sideBefore, await sidecar(name)) };
            };
            let run = await alone();
            // a shared machine can stall a process for seconds: a run without answers (or with timeouts) is retried
            // once; a wrong answer (non-2xx) is the contender's fault and fails the benchmark at once
            if (problemOf(run.r) && !run.r.non2xx) {
              log(`${name} ${pathOf(test, name)}: ${problemOf(run.r)}; retrying once`);
              run = await alone();
            }
            assertClean(server, name, pathOf(test, name), run.r);
            record(sequential, label, name, run.r, run.rssMb, run.cpuMs, run.sidecarMs);
          }
        }
        if (modes.includes('concurrent')) {
          const names = Object.keys(servers);
          for (const name of names) servers[name].resetPeakRss();
          const cpuBefore = names.map((name) => servers[name].cpuTimeMs());
          const runs = await Promise.all(names.map((name) => load(servers[name].url + pathOf(test, name), { connections, seconds, headers: test.headers })));
          runs.forEach((r, i) => {
            assertClean(servers[names[i]], names[i], pathOf(test, names[i]), r, { sharedCore: true });
            record(concurrent, label, names[i], r, servers[names[i]].peakRssMb(), servers[names[i]].cpuTimeMs() - cpuBefore[i]);
          });
        }
        const seq = modes.includes('sequential') ? Object.entries(sequential[label]).map(([n, s]) => `${n} ${Math.round(s.rps.at(-1))}`).join(', ') : '';
        const con = modes.includes('concurrent') ? Object.entries(concurrent[label]).map(([n, s]) => `${n} ${Math.round(s.rps.at(-1))}`).join(', ') : '';
        log(`round ${round} ${label}: alone [${seq}] together [${con}]`);
      }
    }
    // the high-water mark is reset before each run: the process's peak is the largest run's
    const runsOf = (name) => [sequential, concurrent].flatMap((results) => Object.values(results).flatMap((byName) => byName[name]?.rssMb ?? []));
    const info = Object.fromEntries(Object.entries(servers).map(([n, s]) => [n, { peakRssMb: Math.max(s.peakRssMb(), ...runsOf(n)), startupMs: s.startupMs }]));
    return { sequential, concurrent, servers: info };
  } finally {
    await Promise.all(Object.values(servers).map((s) => s.stop()));
  }
}

/** The median over rounds of (a's req/s ÷ b's req/s) measured in the same round (rounds where either answered nothing left out; NaN if all were). */
export function pairedRatio(slotA, slotB) {
  const ratios = slotA.rps.map((rps, i) => rps / slotB.rps[i]).filter((r) => Number.isFinite(r) && r > 0);
  return ratios.length ? median(ratios) : NaN;
}

/** CPU µs one request cost in run i: the server's, plus its sidecar's (database) when measured. */
export const costUs = (slot, i) => slot.cpuUs[i] + (Number.isFinite(slot.sidecarUs?.[i]) ? slot.sidecarUs[i] : 0);

/**
 * The median over rounds of (b's CPU per request ÷ a's), server plus sidecar: how many of b's
 * requests a serves with the same CPU time — the throughput ratio the two have when CPU is what
 * limits them. Measured on each alone, it holds whatever the neighbours do to the clock.
 */
export function cpuRatio(slotA, slotB) {
  return median(slotA.cpuUs.map((_, i) => costUs(slotB, i) / costUs(slotA, i)));
}
