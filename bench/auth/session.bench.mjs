// A page requested with a session (Redis store) and a logged-in user, against the same page
// requested anonymously, side by side: two server processes on one pinned core, loaded at the
// same moment (the machine's speed drifts ±20%; the same-moment ratio is the figure), plus
// sequential runs for absolute numbers. Then: how many password hashes all that cost.
//   node bench/auth/session.bench.mjs [--rounds 5] [--seconds 4] [--connections 64]
// Build first: (cd packages/<core,orm,cache,security,auth> && npx tsup); Redis on 127.0.0.1:6379.
import { fileURLToPath } from 'node:url';
import { generator, load } from '../lib/load.mjs';
import { startServer } from '../lib/process.mjs';
import { flags, fmt, machine, median, table } from '../lib/stats.mjs';

const opts = { rounds: 5, seconds: 4, connections: 64, warmup: 3, ...flags() };
const TARGET = 1.25;
const script = fileURLToPath(new URL('server.mjs', import.meta.url));

const anonymous = await startServer(script);
const authenticated = await startServer(script);
try {
  const hashesAt = async (s) => (await (await fetch(`${s.url}/bench-stats/`)).json()).hashes;
  // creating the user at start-up hashed once; from here on only the login below may hash
  const before = await Promise.all([anonymous, authenticated].map(hashesAt));
  const login = await fetch(`${authenticated.url}/bench-login/`);
  const cookie = login.headers.getSetCookie().find((c) => c.startsWith('sessionid=')).split(';')[0];
  const contenders = { anonymous: { server: anonymous, headers: {} }, authenticated: { server: authenticated, headers: { cookie } } };
  const pages = { 'minimal page (greeting only)': '/', 'typical page (10 articles, template)': '/news/' };
  for (const [name, { server, headers }] of Object.entries(contenders)) {
    for (const page of Object.values(pages)) {
      const body = await (await fetch(`${server.url}${page}`, { headers })).text();
      const expected = name === 'anonymous' ? 'Welcome, visitor' : 'Signed in as ann';
      if (!body.includes(expected)) throw new Error(`${name} ${page}: expected "${expected}" in ${body}`);
    }
  }
  const run = (name, page) => load(`${contenders[name].server.url}${page}`, { connections: opts.connections, seconds: opts.seconds, headers: contenders[name].headers });
  const results = {};
  let timedOut = 0;
  for (const [label, page] of Object.entries(pages)) {
    await Promise.all([run('anonymous', page), run('authenticated', page)]);
    const r = (results[label] = { alone: { anonymous: [], authenticated: [] }, together: { anonymous: [], authenticated: [] } });
    for (let round = 1; round <= opts.rounds; round++) {
      for (const name of ['anonymous', 'authenticated']) r.alone[name].push(await run(name, page));
      const [a, b] = await Promise.all([run('anonymous', page), run('authenticated', page)]);
      r.together.anonymous.push(a);
      r.together.authenticated.push(b);
      for (const x of [r.alone.anonymous.at(-1), r.alone.authenticated.at(-1), a, b]) {
        // wrk's 2 s timeouts happen when two servers share one core under 64 connections each: count them, fail on anything else
        const timeouts = Number(/timeout (\d+)/.exec(x.errors || '')?.[1] ?? 0);
        if (x.non2xx || (x.errors && x.errors.replace(/timeout \d+/, '').match(/[1-9]/))) throw new Error(`failed requests: ${JSON.stringify(x)}`);
        timedOut += timeouts;
      }
      console.error(`${label} round ${round}: alone ${Math.round(r.alone.anonymous.at(-1).rps)} / ${Math.round(r.alone.authenticated.at(-1).rps)} req/s; together ${Math.round(a.rps)} / ${Math.round(b.rps)} req/s`);
    }
  }
  const paired = (list) => median(list.authenticated.map((r, i) => list.anonymous[i].rps / r.rps));
  const after = await Promise.all([anonymous, authenticated].map(hashesAt));
  const stats = after.map((n, i) => n - before[i]);
  const served = Object.values(results).flatMap((test) => Object.values(test).flatMap((group) => Object.values(group).flat())).reduce((sum, r) => sum + r.rps * opts.seconds, 0);
  console.log(`\n${await machine()}; load: ${generator} on its own CPU, ${opts.connections} connections, ${opts.rounds} rounds of ${opts.seconds}s\n`);
  console.log(
    table(
      ['test', 'anonymous req/s (alone)', 'authenticated req/s (alone)', 'anonymous p50 (alone)', 'authenticated p50 (alone)', 'latency ratio, alone (noisy)', 'latency ratio, same core same moment', 'target', ''],
      Object.entries(results).map(([label, r]) => {
        const together = paired(r.together);
        return [
          label,
          fmt(median(r.alone.anonymous.map((x) => x.rps))),
          fmt(median(r.alone.authenticated.map((x) => x.rps))),
          `${fmt(median(r.alone.anonymous.map((x) => x.p50)), 2)} ms`,
          `${fmt(median(r.alone.authenticated.map((x) => x.p50)), 2)} ms`,
          `${fmt(paired(r.alone), 3)}×`,
          `**${fmt(together, 3)}×**`,
          `≤ ${TARGET}×`,
          together <= TARGET ? 'met' : 'MISSED',
        ];
      }),
    ),
  );
  console.log(`\nrequests that hit wrk's 2 s timeout: ${timedOut}`);
  console.log(`\npassword hashes computed: ${stats[0]} (anonymous server), ${stats[1]} (authenticated server: the one login) for ~${fmt(served)} requests served`);
  if (stats[0] !== 0 || stats[1] !== 1) throw new Error(`expected 0 and 1 hashes, got ${stats}`);
} finally {
  await Promise.all([anonymous.stop(), authenticated.stop()]);
}
