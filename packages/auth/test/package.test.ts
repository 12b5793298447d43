import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { installedPackage, packPackage, readmeBlock, runReadmeExampleFromTarball } from '../../../test-support/readme-example';

describe('the published package', () => {
  it('installs from its tarball into a fresh project and runs both README examples (Manouche and a real Express app)', () => {
    // the templates package is an optional peer: pack it too, for the ready-made views of the Express example
    const templates = packPackage('templates', mkdtempSync(join(tmpdir(), 'auth-peers-')));
    const { stdout, expected, dir } = runReadmeExampleFromTarball('auth', {
      extra: [installedPackage('better-sqlite3'), installedPackage('express'), templates],
    });
    expect(stdout).toBe(expected);

    const code = ts.transpileModule(readmeBlock('auth', '<!-- express-example -->'), { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
    writeFileSync(join(dir, 'express-example.mjs'), code);
    const output = execFileSync(process.execPath, ['express-example.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, MANOUCHE_LOG_LEVEL: 'error' } });
    expect(output.trim()).toBe(readmeBlock('auth', '<!-- express-output -->').trim());
  }, 120_000);
});
