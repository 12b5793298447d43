#!/usr/bin/env node
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Application } from '../app/application';
import { executeFromCommandLine } from './execute';

const CONFIG_FILES = ['manouche.config.mjs', 'manouche.config.js', 'manouche.config.cjs'];

/**
 * Find the project module: --project <file>, MANOUCHE_PROJECT, the
 * "manouche.project" field of package.json, or a manouche.config.{mjs,js,cjs}.
 * It must export (default or `app`) an Application or a function returning one.
 */
function locateProject(argv: string[]): { file: string; argv: string[] } | undefined {
  const flag = argv.findIndex((a) => a === '--project' || a.startsWith('--project='));
  if (flag !== -1) {
    const value = argv[flag]!.includes('=') ? argv[flag]!.split('=')[1]! : argv[flag + 1]!;
    const rest = [...argv];
    rest.splice(flag, argv[flag]!.includes('=') ? 1 : 2);
    return { file: resolve(value), argv: rest };
  }
  if (process.env.MANOUCHE_PROJECT) return { file: resolve(process.env.MANOUCHE_PROJECT), argv };
  const pkgPath = resolve('package.json');
  if (existsSync(pkgPath)) {
    const field = (JSON.parse(readFileSync(pkgPath, 'utf8')) as { manouche?: { project?: string } }).manouche?.project;
    if (field) return { file: resolve(field), argv };
  }
  const found = CONFIG_FILES.map((f) => resolve(f)).find((f) => existsSync(f));
  return found ? { file: found, argv } : undefined;
}

async function main(): Promise<number> {
  const located = locateProject(process.argv.slice(2));
  if (!located) {
    process.stderr.write(
      'manouche: no project found. Pass --project <file>, set MANOUCHE_PROJECT, add {"manouche": {"project": "<file>"}} to package.json, or create manouche.config.mjs exporting your app.\n',
    );
    return 2;
  }
  if (!existsSync(located.file)) {
    process.stderr.write(`manouche: project file ${located.file} does not exist.\n`);
    return 2;
  }
  const load = async (): Promise<Application> => {
    const mod = (await import(pathToFileURL(located.file).href)) as { default?: unknown; app?: unknown };
    const exported = mod.app ?? (mod.default as { app?: unknown } | undefined)?.app ?? mod.default;
    const app = typeof exported === 'function' ? await (exported as () => unknown)() : exported;
    if (!app || typeof (app as Application).handle !== 'function') {
      throw new Error(`${located.file} must export an Application (from createApp) as default or "app", or a function returning one.`);
    }
    return app as Application;
  };
  return executeFromCommandLine(load, located.argv);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  },
);
