import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, posix, resolve, sep } from 'node:path';
import { SuspiciousTemplateName } from './errors';

/** A template file found on disk. */
export interface TemplateSource {
  /** Absolute path of the file. */
  path: string;
  source: string;
  mtimeMs: number;
  size: number;
}

/**
 * Check a template name and make it canonical: `/`-separated, no `.`/`..`
 * segments, no leading slash, the default extension added when there is none.
 * A name starting with `./` or `../` is relative to `from` (the template
 * doing the include/extend), as in Django; it may not climb above the roots.
 */
export function normalizeName(name: unknown, extension: string, from?: string): string {
  if (typeof name !== 'string' || name === '') {
    throw new SuspiciousTemplateName(`A template name must be a non-empty string; got ${describe(name)}.`);
  }
  if (name.includes('\0') || name.includes('\\')) {
    throw new SuspiciousTemplateName(`The template name ${JSON.stringify(name)} contains a NUL byte or a backslash.`);
  }
  if (/^[a-zA-Z]:/.test(name)) {
    throw new SuspiciousTemplateName(`The template name ${JSON.stringify(name)} looks like an absolute Windows path.`);
  }
  let full: string;
  if (name.startsWith('./') || name.startsWith('../')) {
    if (from === undefined) {
      throw new SuspiciousTemplateName(`The relative template name ${JSON.stringify(name)} can only be used from inside another template.`);
    }
    full = posix.join(posix.dirname(from), name);
    if (full === '..' || full.startsWith('../')) {
      throw new SuspiciousTemplateName(`The relative path ${JSON.stringify(name)} points outside the file hierarchy that template ${JSON.stringify(from)} is in.`);
    }
  } else {
    // Eta resolves "/x" against the views directory; so do we, never against the file system root.
    const trimmed = name.replace(/^\/+/, '');
    if (trimmed.split('/').some((segment) => segment === '..')) {
      throw new SuspiciousTemplateName(`The template name ${JSON.stringify(name)} contains "..": names are resolved inside the template directories only.`);
    }
    full = posix.normalize(trimmed);
  }
  if (full === '.' || full === '' || full.endsWith('/')) {
    throw new SuspiciousTemplateName(`The template name ${JSON.stringify(name)} does not name a file.`);
  }
  return posix.extname(full) ? full : full + extension;
}

/**
 * Finds template files in an ordered list of folders (project dirs first,
 * then each app's `templates/`, Django's order): the first folder holding
 * the name wins. A file whose real path (after symlinks) leaves its folder is
 * ignored.
 */
export class FileLoader {
  readonly roots: readonly string[];
  private realRoots: Array<string | null> | undefined;

  constructor(roots: readonly string[]) {
    this.roots = roots.map((root) => resolve(root));
  }

  /** Every file the name would be looked up at, in order (for error messages). */
  candidates(name: string): string[] {
    return this.roots.map((root) => join(root, name));
  }

  /** Read the first match, or undefined. Synchronous: it runs once per template, then the compiled template is cached. */
  find(name: string): TemplateSource | undefined {
    const realRoots = (this.realRoots ??= this.roots.map(realRootOf));
    for (let i = 0; i < this.roots.length; i++) {
      const realRoot = realRoots[i];
      if (!realRoot) continue;
      const path = join(this.roots[i]!, name);
      const stat = statSync(path, { throwIfNoEntry: false });
      if (!stat?.isFile()) continue;
      const real = realpathSync(path);
      if (real !== realRoot && !real.startsWith(realRoot + sep)) continue;
      return { path, source: readFileSync(path, 'utf8'), mtimeMs: stat.mtimeMs, size: stat.size };
    }
    return undefined;
  }

  /** Whether the file changed since it was read (DEBUG reloading); a deleted file counts as changed. */
  changed(file: TemplateSource): boolean {
    const stat = statSync(file.path, { throwIfNoEntry: false });
    return !stat || stat.mtimeMs !== file.mtimeMs || stat.size !== file.size;
  }

  /** Every template name with `extension` under the roots (each name once), for preloading at start-up. */
  allNames(extension: string): string[] {
    const names = new Set<string>();
    for (const root of this.roots) {
      let entries: string[];
      try {
        entries = readdirSync(root, { recursive: true, encoding: 'utf8' });
      } catch {
        continue; // a missing folder is reported by the templates system check
      }
      for (const entry of entries) if (entry.endsWith(extension)) names.add(entry.split(sep).join('/'));
    }
    return [...names].sort();
  }

  /** The template name of an absolute path inside one of the roots (the Express adapter gets paths). */
  nameOf(path: string, extension: string): string | undefined {
    if (!isAbsolute(path)) return undefined;
    for (const root of this.roots) {
      if (path.startsWith(root + sep)) {
        const relative = path.slice(root.length + 1).split(sep).join('/');
        return posix.extname(relative) ? relative : relative + extension;
      }
    }
    return undefined;
  }
}

function realRootOf(root: string): string | null {
  try {
    return realpathSync(root);
  } catch {
    return null;
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null) return 'null';
  return typeof value;
}
