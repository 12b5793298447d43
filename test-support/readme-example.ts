import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(__dirname, '..');

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
}

function manifest(pkg: string): Manifest {
  return JSON.parse(readFileSync(join(root, 'packages', pkg, 'package.json'), 'utf8')) as Manifest;
}

/** The Manouche packages `pkg` needs, itself included, dependencies first. */
function closure(pkg: string, seen = new Set<string>()): string[] {
  if (seen.has(pkg)) return [];
  seen.add(pkg);
  const deps = Object.keys(manifest(pkg).dependencies ?? {}).filter((d) => d.startsWith('@manouche/')).map((d) => d.slice('@manouche/'.length));
  return [...deps.flatMap((d) => closure(d, seen)), pkg];
}

/** The README's example (the ```ts block after `<!-- example -->`) and its expected output (the block after `<!-- output -->`). */
export function readmeExample(pkg: string): { code: string; output: string } {
  const readme = readFileSync(join(root, 'packages', pkg, 'README.md'), 'utf8');
  const block = (marker: string): string => {
    const at = readme.indexOf(marker);
    if (at === -1) throw new Error(`packages/${pkg}/README.md has no ${marker} marker`);
    const match = /```[a-z]*\n([\s\S]*?)```/.exec(readme.slice(at));
    if (!match) throw new Error(`packages/${pkg}/README.md: no code block after ${marker}`);
    return match[1]!;
  };
  return { code: block('<!-- example -->'), output: block('<!-- output -->').trim() };
}

export interface InstallOptions {
  /** Extra npm packages the example needs (`ioredis`); a path installs a local folder. */
  extra?: string[];
}

/**
 * Pack `pkg` and the Manouche packages it depends on (`npm pack`), install the
 * tarballs with their declared dependencies into a fresh project outside the
 * monorepo, and run the README example there. Returns what it printed.
 */
export function runReadmeExampleFromTarball(pkg: string, options: InstallOptions = {}): { stdout: string; expected: string; dir: string } {
  const project = mkdtempSync(join(tmpdir(), `manouche-install-${pkg}-`));
  const tarballs: string[] = [];
  for (const name of closure(pkg)) {
    const dir = join(root, 'packages', name);
    if (!existsSync(join(dir, 'dist'))) execFileSync('npx', ['tsup'], { cwd: dir, stdio: 'pipe' });
    const out = execFileSync('npm', ['pack', '--silent', '--pack-destination', project], { cwd: dir, encoding: 'utf8' }).trim().split('\n').pop()!;
    tarballs.push(join(project, out));
  }
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'readme-example', private: true, type: 'module', allowScripts: { 'better-sqlite3': true } }, null, 2));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...tarballs, ...(options.extra ?? [])], { cwd: project, stdio: 'pipe' });
  const { code, output } = readmeExample(pkg);
  const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  writeFileSync(join(project, 'example.mjs'), js);
  const stdout = execFileSync(process.execPath, ['example.mjs'], { cwd: project, encoding: 'utf8', env: { ...process.env, MANOUCHE_LOG_LEVEL: 'error' } });
  return { stdout: stdout.trim(), expected: output, dir: project };
}
