// Start a contender server in its own process and report its peak memory.
import { execFileSync, spawn } from 'node:child_process';
import os from 'node:os';
import { readFileSync } from 'node:fs';

/**
 * Run `node script` and wait for it to print `listening <url>`.
 * Resolves to { url, pid, startupMs, peakRssMb(), stop() }.
 */
export function startServer(script, { env = {}, args = [], timeoutMs = 30000, cpu = SERVER_CPU } = {}) {
  const started = process.hrtime.bigint();
  const [command, argv] = pinned(cpu, process.execPath, [script, ...args]);
  const child = spawn(command, argv, { env: { ...process.env, NODE_ENV: 'production', MANOUCHE_LOG_LEVEL: 'error', ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not start within ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    child.stdout.on('data', (d) => {
      out += d;
      const match = /listening (http:\/\/\S+)/.exec(out);
      if (!match) return;
      clearTimeout(timer);
      const startupMs = Number(process.hrtime.bigint() - started) / 1e6;
      resolve({
        url: match[1],
        pid: child.pid,
        startupMs,
        peakRssMb: () => peakRss(child.pid),
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', done);
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 5000).unref();
          }),
      });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code} before listening:\n${out}`));
    });
  });
}

// With two or more cores, the server gets CPU 0 and the load generator CPU 1,
// so neither steals the other's time slices: it makes runs far more repeatable.
const CORES = os.cpus().length;
export const SERVER_CPU = CORES >= 2 ? 0 : undefined;
export const LOAD_CPU = CORES >= 2 ? 1 : undefined;
const HAS_TASKSET = (() => {
  try {
    execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** [command, args] that run `command` pinned to `cpu` when taskset is available. */
export function pinned(cpu, command, args) {
  return HAS_TASKSET && cpu !== undefined ? ['taskset', ['-c', String(cpu), command, ...args]] : [command, args];
}

/** VmHWM: the resident set's high-water mark, in MB (Linux). */
export function peakRss(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
    return kb / 1024;
  } catch {
    return NaN;
  }
}
