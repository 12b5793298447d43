import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { bundleScript } from '../../../test-support/bundle-script';
import { CommandError, defineCheck, defineCommand, executeFromCommandLine, HttpResponse, path } from '../src/index';
import { makeApp } from './helpers';

function capture() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  return { io: { stdout, stderr }, out: () => out, err: () => err };
}

const greet = defineCommand({
  name: 'greet',
  help: 'Say hello.',
  args: '<name>',
  options: [
    { name: 'times', short: 't', type: 'number', help: 'How many times.', default: 1 },
    { name: 'shout', type: 'boolean', help: 'Upper-case.' },
  ],
  run({ args, options, stdout, progress }) {
    if (!args[0]) throw new CommandError('greet needs a name.');
    const bar = progress('greeting', Number(options.times));
    for (let i = 0; i < Number(options.times); i++) {
      stdout.write(`${options.shout ? `HELLO ${args[0].toUpperCase()}` : `hello ${args[0]}`}\n`);
      bar.tick();
    }
    bar.finish();
  },
});

const failingCheck = defineCheck(() => [{ level: 'ERROR', id: 'demo.E001', msg: 'Something is wrong.', hint: 'Fix it.' }]);

describe('executeFromCommandLine', () => {
  const app = makeApp([path('', () => new HttpResponse('ok'))], { INSTALLED_APPS: [{ label: 'demo', commands: [greet] }] });

  it('lists built-in and app commands', async () => {
    const c = capture();
    expect(await executeFromCommandLine(app, ['help'], c.io)).toBe(0);
    expect(c.out()).toMatch(/runserver\s+Start the web server/);
    expect(c.out()).toMatch(/check\s+Inspect the project/);
    expect(c.out()).toMatch(/greet\s+Say hello\./);
  });

  it("prints a command's options", async () => {
    const c = capture();
    await executeFromCommandLine(app, ['greet', '--help'], c.io);
    expect(c.out()).toContain('Usage: manouche greet <name> [options]');
    expect(c.out()).toContain('-t, --times <number>');
  });

  it('runs an app command with options and progress', async () => {
    const c = capture();
    expect(await executeFromCommandLine(app, ['greet', 'ann', '-t', '2', '--shout'], c.io)).toBe(0);
    expect(c.out().match(/^HELLO ANN$/gm)).toHaveLength(2);
    expect(c.out()).toContain('greeting… (2 steps)');
    expect(c.out()).toMatch(/greeting: 2\/2 \(100%\)/);
    expect(c.out()).toMatch(/greeting: done \(2\/2\)/);
  });

  it('shows the true percentage in its progress lines when output is not a terminal', async () => {
    const c = capture();
    expect(await executeFromCommandLine(app, ['greet', 'ann', '-t', '3'], c.io)).toBe(0);
    expect(c.out().match(/greeting: \d\/3 \(\d+%\)/g)).toEqual(['greeting: 1/3 (33%)', 'greeting: 2/3 (66%)', 'greeting: 3/3 (100%)']);
  });

  it('reports usage errors with exit code 2', async () => {
    let c = capture();
    expect(await executeFromCommandLine(app, ['nope'], c.io)).toBe(2);
    expect(c.err()).toContain('Unknown command: "nope". Known commands: runserver, check, greet.');
    c = capture();
    expect(await executeFromCommandLine(app, ['greet', 'x', '--loud'], c.io)).toBe(2);
    expect(c.err()).toContain('greet: unknown option --loud. Options: --times, --shout.');
    c = capture();
    expect(await executeFromCommandLine(app, ['greet', 'x', '--times', 'many'], c.io)).toBe(2);
    expect(c.err()).toContain('--times must be a number; got "many"');
  });

  it('prints CommandError without a stack', async () => {
    const c = capture();
    expect(await executeFromCommandLine(app, ['greet'], c.io)).toBe(1);
    expect(c.err()).toBe('CommandError: greet needs a name.\n');
  });

  it('check reports problems and fails on errors', async () => {
    let c = capture();
    expect(await executeFromCommandLine(app, ['check'], c.io)).toBe(0);
    expect(c.out()).toBe('System check identified no issues (0 silenced).\n');

    const broken = makeApp([], { INSTALLED_APPS: [{ label: 'x', checks: [failingCheck] }] });
    c = capture();
    expect(await executeFromCommandLine(broken, ['check'], c.io)).toBe(1);
    expect(c.err()).toContain('?: (demo.E001) Something is wrong.\n\tHINT: Fix it.');
  });

  it('check --deploy warns about DEBUG and weak keys', async () => {
    const dev = makeApp([], { DEBUG: true, SECRET_KEY: 'short' });
    const c = capture();
    expect(await executeFromCommandLine(dev, ['check', '--deploy'], c.io)).toBe(0);
    expect(c.out()).toContain('(security.W018) You should not have DEBUG set to true in deployment.');
    expect(c.out()).toContain('(security.W009) Your SECRET_KEY is weak: SECRET_KEY is only 5 characters long');
    const strict = capture();
    expect(await executeFromCommandLine(dev, ['check', '--deploy', '--fail-level', 'WARNING'], strict.io)).toBe(1);
  });
});

describe('runserver', () => {
  const children: ChildProcess[] = [];
  afterAll(async () => {
    await Promise.all(
      children.filter((c) => c.exitCode === null && c.signalCode === null).map((c) => new Promise((r) => {
        c.once('exit', r);
        c.kill('SIGTERM');
      })),
    );
  });

  const script = (extra = '') => bundleScript(`
    import { createApp, executeFromCommandLine, HttpResponse, JsonResponse, path } from '@manouche/core';
    ${extra}
    const app = () => createApp({
      settings: { DEBUG: true, SECRET_KEY: 'dev', ALLOWED_HOSTS: ['127.0.0.1', '127.0.0.2'] },
      urls: [
        path('', () => new JsonResponse({ pid: process.pid, version: typeof VERSION === 'undefined' ? 1 : VERSION })),
        path('slow/', () => new Promise((resolve) => setTimeout(() => resolve(new HttpResponse('finished')), 500))),
      ],
    });
    executeFromCommandLine(app).then((code) => { process.exitCode = code; });
  `, 'runserver');

  function start(file: string, args: string[], cwd?: string): Promise<{ child: ChildProcess; url: string; output: () => string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [file, 'runserver', ...args], { cwd, env: { ...process.env, MANOUCHE_LOG_LEVEL: 'error' } });
      children.push(child);
      let output = '';
      const onData = (d: Buffer) => {
        output += d.toString();
        const match = /(http:\/\/127\.0\.0\.\d:\d+)\//.exec(output);
        if (match) resolve({ child, url: match[1]!, output: () => output });
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.on('exit', (code) => reject(new Error(`runserver exited with ${code}: ${output}`)));
    });
  }

  it('serves on the given port and stops cleanly on SIGTERM', async () => {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const { child, url } = await start(script(), ['--noreload', `127.0.0.1:${port}`]);
    expect(url).toBe(`http://127.0.0.1:${port}`);
    expect(((await (await fetch(`${url}/`)).json()) as { version: number }).version).toBe(1);
    const exited = new Promise<number | null>((r) => child.once('exit', r));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('listens on --host and --port, and on SIGINT finishes the request in flight before exiting 0', async () => {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const { child, url } = await start(script(), ['--noreload', '--host', '127.0.0.2', '--port', String(port)]);
    expect(url).toBe(`http://127.0.0.2:${port}`);
    expect((await fetch(`${url}/`)).status).toBe(200);
    // bound to that address only
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
    const slow = fetch(`${url}/slow/`);
    await new Promise((r) => setTimeout(r, 150));
    const exited = new Promise<number | null>((r) => child.once('exit', r));
    child.kill('SIGINT');
    const response = await slow;
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('finished');
    expect(await exited).toBe(0);
  });

  it('restarts when a watched file changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'manouche-reload-'));
    const port = 20000 + Math.floor(Math.random() * 20000);
    const file = script(`import { readFileSync } from 'node:fs'; declare const VERSION: number; (globalThis as any).VERSION = JSON.parse(readFileSync(${JSON.stringify(join(dir, 'version.json'))}, 'utf8')).v;`);
    writeFileSync(join(dir, 'version.json'), '{"v": 1}');
    const { url, output } = await start(file, ['--port', String(port), '--watch', dir]);
    expect(output()).toContain(`Watching for file changes in ${dir}`);
    expect(((await (await fetch(`${url}/`)).json()) as { version: number }).version).toBe(1);
    writeFileSync(join(dir, 'version.json'), '{"v": 2}');
    let version = 1;
    for (let i = 0; i < 50 && version !== 2; i++) {
      await new Promise((r) => setTimeout(r, 100));
      version = await fetch(`${url}/`).then((r) => r.json() as Promise<{ version: number }>).then((b) => b.version, () => 1);
    }
    expect(version).toBe(2);
    expect(output()).toContain('version.json changed, reloading.');
  });

  it('runs several workers sharing the port', async () => {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const { child, url } = await new Promise<{ child: ChildProcess; url: string }>((resolve, reject) => {
      const c = spawn(process.execPath, [script(), 'runserver', '--workers', '2', '--port', String(port)], { env: { ...process.env, MANOUCHE_LOG_LEVEL: 'error' } });
      children.push(c);
      let out = '';
      c.stdout!.on('data', (d) => {
        out += d;
        if (out.includes('Starting 2 workers')) resolve({ child: c, url: `http://127.0.0.1:${port}` });
      });
      c.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    const pids = new Set<number>();
    for (let i = 0; i < 60 && pids.size < 2; i++) {
      const body = await fetch(`${url}/`, { headers: { connection: 'close' } }).then((r) => r.json() as Promise<{ pid: number }>, () => undefined);
      if (body) pids.add(body.pid);
      else await new Promise((r) => setTimeout(r, 50));
    }
    expect(pids.size).toBe(2);
    expect(pids.has(child.pid!)).toBe(false);
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  });
});
