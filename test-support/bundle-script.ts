import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';

const root = resolve(__dirname, '..');
const PACKAGES = ['core', 'orm', 'templates', 'security', 'cache', 'auth', 'forms'];

/**
 * Bundle a TypeScript script that imports @manouche/* from source into one
 * CommonJS file a child process can run, so process-level tests (servers,
 * CLI, several workers) never depend on a previous build.
 */
export function bundleScript(source: string, name = 'script'): string {
  // inside the repo, so the bundle's external requires resolve from the root node_modules
  const cache = join(root, 'node_modules', '.cache', 'manouche-tests');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, `${name}-`));
  const entry = join(dir, `${name}.ts`);
  const outfile = join(dir, `${name}.cjs`);
  writeFileSync(entry, source);
  const alias: Record<string, string> = {};
  for (const pkg of PACKAGES) alias[`@manouche/${pkg}`] = join(root, 'packages', pkg, 'src');
  buildSync({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    alias,
    external: ['better-sqlite3', 'pg', 'mysql2', 'ioredis', 'typeorm', 'eta', 'busboy', 'lru-cache', 'hash-wasm', 'nodemailer', 'playwright-core', 'pg-native'],
    logLevel: 'error',
  });
  return outfile;
}
