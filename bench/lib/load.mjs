// Drive a URL with a load generator running as a separate process: wrk when
// installed (C, light on the CPU the server needs), autocannon otherwise.
import { execFile, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { LOAD_CPU, pinned, track } from './process.mjs';

const execFileAsync = promisify(execFile);
/** execFile, with the child tracked so it cannot outlive the harness. */
const run = (command, argv, options) => {
  const pending = execFileAsync(command, argv, options);
  track(pending.child);
  return pending;
};
const require = createRequire(import.meta.url);

function hasWrk() {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    return error.status === 1; // wrk --version exits 1 after printing
  }
}
export const generator = hasWrk() ? 'wrk' : 'autocannon';

const unit = { us: 1e-3, ms: 1, s: 1000 };
const toMs = (text) => {
  const m = /([\d.]+)(us|ms|s)/.exec(text);
  return m ? Number(m[1]) * unit[m[2]] : NaN;
};

/**
 * Load `url` with `connections` for `seconds`. Returns
 * { rps, requests, p50, p99, non2xx, errors } (latencies in ms; requests: answers counted).
 */
export async function load(url, { connections = 64, seconds = 10, method = 'GET', headers = {} } = {}) {
  if (generator === 'wrk') {
    // wrk counts an answer slower than --timeout (2 s by default) as a socket error: with every
    // contender sharing one core, a slow one's /updates can take longer, and is still an answer
    const args = ['-t', '1', '-c', String(connections), '-d', `${seconds}s`, '--timeout', `${Math.max(10, 2 * seconds)}s`, '--latency'];
    for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}: ${v}`);
    if (method !== 'GET') args.push('-s', new URL('./wrk-method.lua', import.meta.url).pathname);
    const [command, argv] = pinned(LOAD_CPU, 'wrk', [...args, url]);
    const { stdout } = await run(command, argv, { env: { ...process.env, WRK_METHOD: method }, maxBuffer: 1 << 20 });
    const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]);
    const requests = Number(/(\d+) requests in/.exec(stdout)?.[1]);
    const p50 = toMs(/\s50%\s+(\S+)/.exec(stdout)?.[1] ?? '');
    const p99 = toMs(/\s99%\s+(\S+)/.exec(stdout)?.[1] ?? '');
    const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout)?.[1] ?? 0);
    const errors = /Socket errors:(.*)/.exec(stdout)?.[1]?.trim() ?? '';
    return { rps, requests, p50, p99, non2xx, errors };
  }
  const bin = require.resolve('autocannon/autocannon.js');
  const args = [bin, '-j', '-c', String(connections), '-d', String(seconds), '-m', method];
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}=${v}`);
  const [command, argv] = pinned(LOAD_CPU, process.execPath, [...args, url]);
  const { stdout } = await run(command, argv, { maxBuffer: 1 << 24 });
  const r = JSON.parse(stdout);
  return { rps: r.requests.average, requests: r.requests.total, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors ? String(r.errors) : '' };
}

/**
 * A few plain requests, `concurrency` at a time, with no load generator: what
 * smoke mode uses, so it needs neither wrk nor a quiet machine. Each answer
 * goes through `check(body, response)` (a problem string, or null).
 * Returns { requests, non2xx, problems: [first few problem strings] }.
 */
export async function burst(url, { requests = 32, concurrency = 8, headers = {}, check = () => null } = {}) {
  let sent = 0;
  let non2xx = 0;
  const problems = [];
  const worker = async () => {
    while (sent < requests) {
      sent++;
      try {
        const response = await fetch(url, { headers });
        const body = await response.text();
        if (response.status < 200 || response.status > 299) non2xx++;
        const problem = response.ok ? check(body, response) : `status ${response.status}`;
        if (problem && problems.length < 3) problems.push(problem);
      } catch (error) {
        if (problems.length < 3) problems.push(String(error.cause ?? error));
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { requests, non2xx, problems };
}
