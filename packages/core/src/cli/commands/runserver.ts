import cluster from 'node:cluster';
import { type ChildProcess, fork } from 'node:child_process';
import { watch } from 'node:fs';
import { extname, resolve } from 'node:path';
import type { Application } from '../../app/application';
import { isSerious, runChecks } from '../../checks/registry';
import { runServer } from '../../server/run-server';
import { CommandError, defineCommand, type CommandOption } from '../command';
import { formatCheckMessage } from './check';

const RUN_MAIN = 'MANOUCHE_RUN_MAIN';
const WATCHED = new Set(['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts', '.json']);
const IGNORED = /(^|[\\/])(node_modules|\.git|\.turbo|coverage|var|media)([\\/]|$)/;

export const runserverOptions: CommandOption[] = [
  { name: 'host', type: 'string', help: 'Address to listen on.', default: '127.0.0.1' },
  { name: 'port', short: 'p', type: 'number', help: 'Port to listen on.', default: 8000 },
  { name: 'reload', type: 'boolean', help: 'Restart when a source file changes (use --noreload or --no-reload to turn off).', default: true },
  { name: 'noreload', type: 'boolean', help: 'Do not restart on file changes.' },
  { name: 'workers', short: 'w', type: 'number', help: 'Run N worker processes sharing the port (node cluster); implies --noreload.', default: 1 },
  { name: 'watch', type: 'string', help: 'Comma-separated folders to watch for changes (default: the current folder).' },
];

/** Split `8000`, `0.0.0.0:8000` or `[::1]:8000`. */
export function parseAddrPort(text: string): { host?: string; port: number } {
  const match = /^(?:(\[[0-9a-fA-F:.]+\]|[^:]+):)?(\d+)$/.exec(text);
  if (!match) throw new CommandError(`"${text}" is not a valid port number or address:port pair.`, 2);
  const port = Number(match[2]);
  if (port > 65535) throw new CommandError(`Port ${port} is out of range (0-65535).`, 2);
  return { host: match[1]?.replace(/^\[|\]$/g, ''), port };
}

/**
 * The parent side of auto-reload: run the server in a child process and
 * restart it when a watched file changes (Django's autoreloader).
 */
function runWithReloader(dirs: string[], stdout: NodeJS.WritableStream): Promise<number> {
  return new Promise(() => {
    let child: ChildProcess | undefined;
    let timer: NodeJS.Timeout | undefined;
    const start = (): void => {
      child = fork(process.argv[1]!, process.argv.slice(2), { env: { ...process.env, [RUN_MAIN]: 'true' }, execArgv: process.execArgv, stdio: 'inherit' });
    };
    const restart = (file: string): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        stdout.write(`${file} changed, reloading.\n`);
        if (child && child.exitCode === null) {
          child.once('exit', start);
          child.kill('SIGTERM');
        } else start();
      }, 150);
    };
    for (const dir of dirs) {
      watch(dir, { recursive: true }, (_event, filename) => {
        if (!filename || IGNORED.test(filename) || !WATCHED.has(extname(filename))) return;
        restart(filename);
      });
    }
    const stop = (): void => {
      child?.kill('SIGTERM');
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    stdout.write(`Watching for file changes in ${dirs.join(', ')}\n`);
    start();
  });
}

async function serve(app: Application, host: string, port: number, stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream, announce: boolean): Promise<void> {
  const messages = await runChecks(app, { deploy: false });
  const serious = messages.filter(isSerious);
  if (serious.length) {
    stderr.write(`${serious.map(formatCheckMessage).join('\n')}\n`);
    throw new CommandError(`System check identified ${serious.length} error(s); fix them before serving.`);
  }
  const running = await runServer(app, { host, port });
  if (announce) {
    stdout.write(
      `Manouche ${app.settings.DEBUG ? 'development server' : 'server'} at ${running.url}/ (DEBUG=${app.settings.DEBUG})\nQuit the server with CONTROL-C.\n`,
    );
  }
}

/** Django's `runserver`, with `--workers N` for a multi-process server sharing nothing. */
export const runserverCommand = defineCommand({
  name: 'runserver',
  help: 'Start the web server (reloads on code changes; --workers N for several processes).',
  args: '[addrport]',
  options: runserverOptions,
  async run({ app, args, options, stdout, stderr }) {
    const fromArgs = args[0] ? parseAddrPort(args[0]) : undefined;
    const host = fromArgs?.host ?? String(options.host);
    const port = fromArgs?.port ?? Number(options.port);
    const workers = Number(options.workers);
    if (!Number.isInteger(workers) || workers < 1) throw new CommandError(`--workers must be a whole number ≥ 1; got ${options.workers}.`, 2);
    // the reloader's child must not outlive the reloader, however the reloader died
    if (process.env[RUN_MAIN] === 'true' && process.send) process.once('disconnect', () => process.exit(0));

    if (workers > 1) {
      if (cluster.isPrimary) {
        stdout.write(`Starting ${workers} workers on http://${host}:${port}/\n`);
        for (let i = 0; i < workers; i++) cluster.fork();
        cluster.on('exit', (worker, code, signal) => {
          if (!app.shuttingDown && code !== 0 && signal !== 'SIGTERM') {
            stderr.write(`Worker ${worker.process.pid} died (${signal ?? code}); starting another.\n`);
            cluster.fork();
          }
        });
        const stop = (): void => {
          app.shuttingDown = true;
          for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
        };
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
        await new Promise<void>((resolveAll) => cluster.on('exit', () => Object.keys(cluster.workers ?? {}).length === 0 && resolveAll()));
        return 0;
      }
      await serve(app, host, port, stdout, stderr, false);
      return new Promise<number>(() => undefined);
    }
    await serve(app, host, port, stdout, stderr, true);
    return new Promise<number>(() => undefined); // serve until a signal stops the process
  },
});

/** Whether this invocation should only supervise a child (the reloader parent). */
export function isReloaderParent(options: Record<string, unknown>): boolean {
  return options.reload !== false && !options.noreload && Number(options.workers ?? 1) === 1 && process.env[RUN_MAIN] !== 'true';
}

export function startReloader(options: Record<string, unknown>, stdout: NodeJS.WritableStream): Promise<number> {
  const dirs = options.watch ? String(options.watch).split(',').map((d) => resolve(d.trim())) : [process.cwd()];
  return runWithReloader(dirs, stdout);
}
