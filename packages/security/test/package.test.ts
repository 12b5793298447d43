import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { installedPackage, runReadmeExampleFromTarball } from '../../../test-support/readme-example';

/** A README code block after `marker`. */
function block(marker: string): string {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  const at = readme.indexOf(marker);
  if (at === -1) throw new Error(`README.md has no ${marker} marker`);
  return /```[a-z]*\n([\s\S]*?)```/.exec(readme.slice(at))![1]!;
}

describe('the published package', () => {
  it('installs from its tarball into a fresh project and runs both README examples (Manouche and a real Express app)', () => {
    const { stdout, expected, dir } = runReadmeExampleFromTarball('security', { extra: [installedPackage('express')] });
    expect(stdout).toBe(expected);

    const code = ts.transpileModule(block('<!-- express-example -->'), { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
    writeFileSync(join(dir, 'express-example.mjs'), code);
    const output = execFileSync(process.execPath, ['express-example.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, MANOUCHE_LOG_LEVEL: 'error' } });
    expect(output.trim()).toBe(block('<!-- express-output -->').trim());
  }, 240_000);
});
