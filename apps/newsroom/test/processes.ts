import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { build, type Plugin } from 'esbuild';

const ROOT = resolve(__dirname, '../../..');
const PACKAGES = ['core', 'orm', 'templates', 'security', 'cache', 'auth', 'forms'];

/**
 * Keep `__dirname` and `__filename` pointing at each source file, as they
 * do when the sources run: the packages find their templates and data files
 * (auth's registration templates, its common-password list) next to them,
 * which a bundle would otherwise look for next to itself.
 */
const keepSourcePaths: Plugin = {
  name: 'keep-source-paths',
  setup(bundler) {
    bundler.onLoad({ filter: /[\\/](packages[\\/][^\\/]+|apps[\\/]newsroom)[\\/]src[\\/].*\.ts$/ }, (args) => ({
      contents: readFileSync(args.path, 'utf8').replace(/\b__dirname\b/g, JSON.stringify(dirname(args.path))).replace(/\b__filename\b/g, JSON.stringify(args.path)),
      loader: 'ts',
    }));
  },
};

/**
 * The newsroom's manage.js bundled from the sources of the app and of every
 * package (a test never waits for, nor trusts, a build), like
 * test-support/bundle-script.ts, with the source paths kept.
 */
export async function bundleManage(): Promise<string> {
  const cache = join(ROOT, 'node_modules', '.cache', 'manouche-tests');
  mkdirSync(cache, { recursive: true });
  const outfile = join(mkdtempSync(join(cache, 'newsroom-manage-')), 'manage.cjs');
  const alias = Object.fromEntries(PACKAGES.map((pkg) => [`@manouche/${pkg}`, join(ROOT, 'packages', pkg, 'src')]));
  await build({
    entryPoints: [resolve(__dirname, '../src/manage.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    alias,
    plugins: [keepSourcePaths],
    external: ['better-sqlite3', 'pg', 'mysql2', 'ioredis', 'typeorm', 'eta', 'busboy', 'lru-cache', 'hash-wasm', 'nodemailer', 'pg-native'],
    logLevel: 'error',
  });
  return outfile;
}

export function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, MANOUCHE_LOG_LEVEL: 'error', ...env };
}

/** Run a manage.js command to the end; its output (rejects with it when the command fails). */
export function runCommand(script: string, env: Record<string, string>, ...args: string[]): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [script, ...args], { env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (out += chunk));
    child.on('error', fail);
    child.on('exit', (code) => (code === 0 ? done(out) : fail(new Error(`manage.js ${args.join(' ')} exited with ${code}:\n${out}`))));
  });
}

/** A port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}

export interface Server {
  url: string;
  process: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Start `manage.js runserver` on a free port and wait until /healthz answers 200. */
export async function startServer(script: string, env: Record<string, string>): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, [script, 'runserver', `127.0.0.1:${port}`, '--noreload'], { env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  const server: Server = {
    url,
    process: child,
    output: () => output,
    stop: () =>
      new Promise((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The server on port ${port} exited (${child.exitCode}):\n${output}`);
    const ok = await fetch(`${url}/healthz`).then((r) => r.status === 200, () => false);
    if (ok) return server;
    await new Promise((r) => setTimeout(r, 100));
  }
  await server.stop();
  throw new Error(`The server on port ${port} did not become healthy within 20 s:\n${output}`);
}

/** A cookie-keeping HTTP client that does not follow redirects (a browser without JavaScript). */
export class Visitor {
  readonly cookies = new Map<string, string>();

  async request(url: string, options: { method?: string; form?: Record<string, string> } = {}): Promise<{ status: number; location: string | null; text: string }> {
    const headers: Record<string, string> = { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
    let body: string | undefined;
    if (options.form) {
      body = new URLSearchParams(options.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const response = await fetch(url, { method: options.method ?? (body ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair, ...attributes] = cookie.split(';');
      const [name, ...value] = pair!.split('=');
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (expired) this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value.join('='));
    }
    return { status: response.status, location: response.headers.get('location'), text: await response.text() };
  }

  /** GET `pageUrl`, then submit its CSRF token with `form` to `actionUrl` (default: the same page). */
  async submit(pageUrl: string, form: Record<string, string>, actionUrl = pageUrl) {
    const page = await this.request(pageUrl);
    const token = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(page.text)?.[1];
    if (!token) throw new Error(`No CSRF token on ${pageUrl} (${page.status}):\n${page.text.slice(0, 500)}`);
    return this.request(actionUrl, { form: { csrfmiddlewaretoken: token, ...form } });
  }
}
