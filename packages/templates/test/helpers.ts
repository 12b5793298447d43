import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const made: string[] = [];

/** A temporary folder holding `files` (name → content); removed after the test file. */
export function templateDir(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'manouche-templates-'));
  made.push(root);
  writeTemplates(root, files);
  return root;
}

export function writeTemplates(root: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) {
    const path = join(root, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
}

afterAll(() => {
  for (const root of made.splice(0)) rmSync(root, { recursive: true, force: true });
});
