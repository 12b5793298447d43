import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readFile, realpath, rm, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { resolveInside, SuspiciousOperation, type UploadedFile } from '@manouche/core';

/** A name that would leave the storage's folder, or cannot be made safe (Django's SuspiciousFileOperation). */
export class SuspiciousFileOperation extends SuspiciousOperation {
  constructor(message: string) {
    super(message, 'suspicious_file_operation');
    this.name = 'SuspiciousFileOperation';
  }
}

/** What can be saved: an upload, bytes, text, or a stream. */
export type StorageContent = Pick<UploadedFile, 'stream' | 'temporaryFilePath' | 'moveTo'> | Uint8Array | string | Readable;

/**
 * Django's Storage API: where uploaded files go. `save()` returns the name
 * actually used (made safe and unique); keep that name (in a model field)
 * and build links with `url()`. Implement it for S3 and the like.
 */
export interface Storage {
  save(name: string, content: StorageContent): Promise<string>;
  open(name: string): Promise<Readable>;
  read(name: string): Promise<Buffer>;
  delete(name: string): Promise<void>;
  exists(name: string): Promise<boolean>;
  size(name: string): Promise<number>;
  url(name: string): string;
}

export interface FileSystemStorageOptions {
  /** Folder the files go in (Django's MEDIA_ROOT); created when needed. */
  location: string;
  /** URL prefix of the files (Django's MEDIA_URL), default '/media/'. */
  baseUrl?: string;
  /** Mode of new files (default 0o644) and folders (default 0o755). */
  fileMode?: number;
  directoryMode?: number;
}

const MAX_NAME_LENGTH = 100;

/**
 * Django's get_valid_filename(), stricter: spaces become underscores,
 * anything but letters, digits, `-`, `_` and `.` is dropped, and leading dots
 * go (no `.htaccess`). Throws when nothing usable is left.
 */
export function getValidName(name: string): string {
  const cleaned = name.normalize('NFKC').trim().replace(/\s+/g, '_').replace(/[^-\p{L}\p{N}_.]/gu, '').replace(/^\.+/, '');
  if (cleaned === '' || cleaned === '.' || cleaned === '..') throw new SuspiciousFileOperation(`Could not derive a file name from ${JSON.stringify(name)}.`);
  if (cleaned.length <= MAX_NAME_LENGTH) return cleaned;
  const dot = cleaned.lastIndexOf('.');
  const extension = dot > 0 && cleaned.length - dot <= 16 ? cleaned.slice(dot) : '';
  return cleaned.slice(0, MAX_NAME_LENGTH - extension.length) + extension;
}

/**
 * Files in a local folder. Names are made safe segment by segment, never
 * leave the folder (no `..`, absolute paths, NUL bytes, or symlinked folders
 * pointing outside), and never overwrite an existing file: a taken name gets
 * a random suffix, reserved atomically so two uploads cannot race for it.
 */
export class FileSystemStorage implements Storage {
  readonly location: string;
  readonly baseUrl: string;
  private readonly fileMode: number;
  private readonly directoryMode: number;
  private root: string | undefined;

  constructor(options: FileSystemStorageOptions) {
    if (!options.location) throw new TypeError('FileSystemStorage needs a location (the folder files are saved in).');
    this.location = options.location;
    this.baseUrl = options.baseUrl ?? '/media/';
    if (!this.baseUrl.endsWith('/')) throw new TypeError(`FileSystemStorage baseUrl must end with "/"; got ${JSON.stringify(this.baseUrl)}.`);
    this.fileMode = options.fileMode ?? 0o644;
    this.directoryMode = options.directoryMode ?? 0o755;
  }

  /** `avatars/../x y.png` → refused; `avatars/x y.png` → `avatars/x_y.png`. */
  generateFilename(name: string): string {
    if (name.includes('\0')) throw new SuspiciousFileOperation('A file name may not contain NUL bytes.');
    const segments = name.replace(/\\/g, '/').split('/');
    if (segments[0] === '' || /^[a-zA-Z]:$/.test(segments[0]!)) throw new SuspiciousFileOperation(`Absolute file names are not allowed: ${JSON.stringify(name)}.`);
    if (segments.some((s) => s === '..' || s === '.')) throw new SuspiciousFileOperation(`File names may not contain "." or ".." segments: ${JSON.stringify(name)}.`);
    return segments.filter((s) => s !== '').map(getValidName).join('/');
  }

  private async realRoot(): Promise<string> {
    if (!this.root) {
      await mkdir(this.location, { recursive: true, mode: this.directoryMode });
      this.root = await realpath(this.location);
    }
    return this.root;
  }

  /** The absolute path of an existing name, checked to be inside the folder. */
  async path(name: string): Promise<string> {
    const root = await this.realRoot();
    const resolved = await resolveInside(root, this.generateFilename(name));
    if (resolved === null) throw new SuspiciousFileOperation(`${JSON.stringify(name)} is not a file inside the storage.`);
    return resolved;
  }

  async save(name: string, content: StorageContent): Promise<string> {
    const safe = this.generateFilename(name);
    const root = await this.realRoot();
    const directory = posix.dirname(safe);
    if (directory !== '.') await mkdir(join(root, directory), { recursive: true, mode: this.directoryMode });
    // a folder that is a symlink to elsewhere must not receive the file
    const realDirectory = directory === '.' ? root : await resolveInside(root, directory);
    if (realDirectory === null) throw new SuspiciousFileOperation(`The folder of ${JSON.stringify(name)} leads outside the storage.`);
    const { name: chosen, path } = await this.reserve(safe, realDirectory);
    try {
      await this.write(path, content);
    } catch (error) {
      await rm(path, { force: true });
      throw error;
    }
    return chosen;
  }

  /** Create the file exclusively under `name`, or `name_<random>` when taken. */
  private async reserve(name: string, directory: string): Promise<{ name: string; path: string }> {
    const base = posix.basename(name);
    const dot = base.lastIndexOf('.');
    const [stem, extension] = dot > 0 ? [base.slice(0, dot), base.slice(dot)] : [base, ''];
    const prefix = name.slice(0, name.length - base.length);
    for (let attempt = 0; attempt < 100; attempt++) {
      const candidate = attempt === 0 ? base : `${stem}_${randomBytes(5).toString('base64url').replace(/[-_]/g, 'x').slice(0, 7)}${extension}`;
      const path = join(directory, candidate);
      try {
        const handle = await open(path, 'wx', this.fileMode);
        await handle.close();
        return { name: prefix + candidate, path };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    throw new SuspiciousFileOperation(`Could not find a free name for ${JSON.stringify(name)} after 100 attempts.`);
  }

  private async write(path: string, content: StorageContent): Promise<void> {
    if (typeof content === 'string' || content instanceof Uint8Array) {
      const handle = await open(path, 'w');
      try {
        await handle.writeFile(content);
      } finally {
        await handle.close();
      }
      return;
    }
    if (content instanceof Readable) {
      await pipeline(content, createWriteStream(path));
      return;
    }
    // a spooled upload is renamed into place (over the reserved, empty file): no copy
    if (content.temporaryFilePath) await content.moveTo(path);
    else await pipeline(content.stream(), createWriteStream(path));
  }

  async open(name: string): Promise<Readable> {
    return createReadStream(await this.path(name));
  }

  async read(name: string): Promise<Buffer> {
    return readFile(await this.path(name));
  }

  async delete(name: string): Promise<void> {
    const root = await this.realRoot();
    const resolved = await resolveInside(root, this.generateFilename(name));
    if (resolved !== null && resolved !== root) await rm(resolved, { force: true });
  }

  async exists(name: string): Promise<boolean> {
    const root = await this.realRoot();
    return (await resolveInside(root, this.generateFilename(name))) !== null;
  }

  async size(name: string): Promise<number> {
    return (await stat(await this.path(name))).size;
  }

  url(name: string): string {
    return this.baseUrl + this.generateFilename(name).split('/').map(encodeURIComponent).join('/');
  }
}
