import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
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

/** The code block after `marker` (`<!-- express-example -->`) in a package's README. */
export function readmeBlock(pkg: string, marker: string): string {
  const readme = readFileSync(join(root, 'packages', pkg, 'README.md'), 'utf8');
  const at = readme.indexOf(marker);
  if (at === -1) throw new Error(`packages/${pkg}/README.md has no ${marker} marker`);
  const match = /```[a-z]*\n([\s\S]*?)```/.exec(readme.slice(at));
  if (!match) throw new Error(`packages/${pkg}/README.md: no code block after ${marker}`);
  return match[1]!;
}

/** The README's example (the ```ts block after `<!-- example -->`) and its expected output (the block after `<!-- output -->`). */
export function readmeExample(pkg: string): { code: string; output: string } {
  return { code: readmeBlock(pkg, '<!-- example -->'), output: readmeBlock(pkg, '<!-- output -->').trim() };
}

/** The modification times of the files under `path` (a file or a folder; none when it is missing). */
function mtimes(path: string): number[] {
  if (!existsSync(path)) return [];
  const stat = statSync(path);
  if (!stat.isDirectory()) return [stat.mtimeMs];
  return readdirSync(path).flatMap((entry) => mtimes(join(path, entry)));
}

/** What a package's dist/ is built from. */
const BUILD_INPUTS = ['src', 'package.json', 'tsconfig.json', 'tsup.config.ts'];
const SHARED_BUILD_INPUTS = [join(root, 'tsup.preset.ts'), join(root, 'tsconfig.base.json')];

/**
 * Build `packages/<pkg>` unless its dist/ is newer than everything it is
 * built from, so the tarball holds the current sources without paying for a
 * build (and racing a concurrent pack of the same dist/) on every run.
 */
function buildIfStale(pkg: string): void {
  const dir = join(root, 'packages', pkg);
  const built = mtimes(join(dir, 'dist'));
  const sources = [...BUILD_INPUTS.map((p) => join(dir, p)), ...SHARED_BUILD_INPUTS].flatMap(mtimes);
  if (built.length && Math.min(...built) >= Math.max(...sources)) return;
  execFileSync('npx', ['tsup'], { cwd: dir, stdio: 'pipe' });
}

/** `npm pack` packages/<pkg> (built from its current sources) into `destination`; the tarball's path. */
export function packPackage(pkg: string, destination: string): string {
  buildIfStale(pkg);
  const out = execFileSync('npm', ['pack', '--silent', '--pack-destination', destination], { cwd: join(root, 'packages', pkg), encoding: 'utf8' }).trim().split('\n').pop()!;
  return join(destination, out);
}

/**
 * The install skips every install script (see runReadmeExampleFromTarball):
 * fail loudly if a package that was really installed (not linked) has one,
 * rather than run an example against a half-installed dependency.
 */
function assertNoSkippedInstallScripts(project: string): void {
  const lock = JSON.parse(readFileSync(join(project, 'node_modules', '.package-lock.json'), 'utf8')) as { packages: Record<string, { hasInstallScript?: boolean }> };
  const skipped = Object.entries(lock.packages)
    .filter(([path, entry]) => path.startsWith('node_modules/') && entry.hasInstallScript)
    .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
  if (skipped.length) {
    throw new Error(`${skipped.join(', ')} need${skipped.length === 1 ? 's' : ''} an install script, which runReadmeExampleFromTarball skips: pass the monorepo's installed copy instead (extra: ['${join(root, 'node_modules', skipped[0]!)}']).`);
  }
}

/**
 * The monorepo's own installed copy of an npm package, as an `extra` for
 * runReadmeExampleFromTarball: linked rather than downloaded, and with its
 * native parts already built. Resolved from the checkout, wherever it is.
 */
export function installedPackage(name: string): string {
  return join(root, 'node_modules', name);
}

export interface InstallOptions {
  /** Extra npm packages the example needs (`ioredis`); a path installs a local folder. */
  extra?: string[];
}

/**
 * Pack `pkg` and the Manouche packages it depends on (`npm pack`, after
 * building any whose dist/ is older than its sources), install the tarballs
 * with their declared dependencies into a fresh project outside the
 * monorepo, and run the README example there. Returns what it printed.
 *
 * Install scripts are skipped: an `extra` given as a folder is a symlink to
 * the monorepo's own installed copy, whose native parts are built already,
 * and running better-sqlite3's script would recompile that shared copy in
 * place (over a minute, while other test processes may be loading it).
 * Manouche's tarballs and their dependencies need none, which is checked.
 */
export function runReadmeExampleFromTarball(pkg: string, options: InstallOptions = {}): { stdout: string; expected: string; dir: string } {
  const project = mkdtempSync(join(tmpdir(), `manouche-install-${pkg}-`));
  const tarballs = closure(pkg).map((name) => packPackage(name, project));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'readme-example', private: true, type: 'module' }, null, 2));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', '--loglevel=error', ...tarballs, ...(options.extra ?? [])], { cwd: project, stdio: 'pipe' });
  assertNoSkippedInstallScripts(project);
  const { code, output } = readmeExample(pkg);
  const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  writeFileSync(join(project, 'example.mjs'), js);
  const stdout = execFileSync(process.execPath, ['example.mjs'], { cwd: project, encoding: 'utf8', env: { ...process.env, MANOUCHE_LOG_LEVEL: 'error' } });
  return { stdout: stdout.trim(), expected: output, dir: project };
}
