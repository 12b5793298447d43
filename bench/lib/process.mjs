// Start a contender server in its own process and report its peak memory.
//
// Every child started here (servers and load generators) is remembered, and
// killed if the harness exits early — an error, Ctrl-C, or CI's timeout
// sending SIGTERM — so a benchmark never leaves processes behind.
import { execFileSync, spawn } from 'node:child_process';
import os from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';

const children = new Set();
let cleanupInstalled = false;

/** Remember `child` until it exits; kill it if the harness exits first. */
export function track(child) {
  if (!cleanupInstalled) {
    cleanupInstalled = true;
    // 'exit' handlers must be synchronous: SIGKILL is
    process.on('exit', () => {
      for (const c of children) c.kill('SIGKILL');
    });
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
      process.once(signal, () => {
        for (const c of children) c.kill('SIGKILL');
        process.exit(128 + os.constants.signals[signal]);
      });
    }
  }
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/**
 * Run `node [nodeArgs] script [args]` and wait for it to print `listening <url>`.
 * Resolves to { url, pid, startupMs, peakRssMb(), resetPeakRss(), cpuTimeMs(), stderr(), stop() }.
 * The server's stderr is kept (its last 16 KB), not printed: requests cut off when a load run
 * ends make some servers log errors at shutdown. Show it with stderr() when something failed.
 */
export function startServer(script, { env = {}, args = [], nodeArgs = [], timeoutMs = 30000, cpu = SERVER_CPU } = {}) {
  const started = process.hrtime.bigint();
  const [command, argv] = pinned(cpu, process.execPath, [...nodeArgs, script, ...args]);
  const child = track(spawn(command, argv, { env: { ...process.env, NODE_ENV: 'production', MANOUCHE_LOG_LEVEL: 'error', ...env }, stdio: ['ignore', 'pipe', 'pipe'] }));
  let errors = '';
  child.stderr.setEncoding('utf8').on('data', (d) => {
    errors = (errors + d).slice(-16384);
  });
  const stop = () =>
    new Promise((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once('exit', () => done());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not start within ${timeoutMs} ms:\n${out}${errors}`));
    }, timeoutMs);
    const onExit = (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${signal ?? code}) before listening:\n${out}${errors}`));
    };
    child.once('exit', onExit);
    child.stdout.on('data', (d) => {
      if (out === null) return; // already listening: ignore the server's later output
      out += d;
      const match = /listening (http:\/\/\S+)/.exec(out);
      if (!match) return;
      out = null;
      clearTimeout(timer);
      child.off('exit', onExit);
      resolve({
        url: match[1],
        pid: child.pid,
        startupMs: Number(process.hrtime.bigint() - started) / 1e6,
        peakRssMb: () => peakRss(child.pid),
        resetPeakRss: () => resetPeakRss(child.pid),
        cpuTimeMs: () => cpuTimeMs(child.pid),
        stderr: () => errors,
        stop,
      });
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

/** [command, args] that run `command` pinned to `cpu` when taskset is available (taskset execs: same pid). */
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

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) || 100;
  } catch {
    return 100;
  }
})();

/**
 * CPU time (user + system) the process has used so far, in ms (Linux; NaN elsewhere). Its
 * difference over a run, per request answered, is what each request costs the server whatever
 * the database or the neighbours on a shared machine are doing.
 */
export function cpuTimeMs(pid) {
  try {
    // the fields after the command name (which may hold spaces): utime is the 12th, stime the 13th
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').at(-1).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

/** Reset VmHWM to the current RSS (Linux ≥ 4.0), so the next peakRss() is the peak of one test. */
export function resetPeakRss(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}
