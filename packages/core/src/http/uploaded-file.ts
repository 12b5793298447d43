import { createReadStream } from 'node:fs';
import { copyFile, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { Readable } from 'node:stream';

/**
 * A file from a multipart upload. Small files stay in memory; larger ones
 * were streamed to a temporary file (FILE_UPLOAD_MAX_MEMORY_SIZE decides),
 * which is deleted when the request ends unless you `moveTo()` it first.
 */
export class UploadedFile {
  /** The form field it came in. */
  readonly fieldName: string;
  /** The client's file name, reduced to a base name (no directories). Never trust it for storage. */
  readonly name: string;
  /** The client's declared type. Sniff the bytes before trusting it. */
  readonly contentType: string;
  readonly size: number;
  private readonly buffer: Buffer | undefined;
  private diskPath: string | undefined;
  /** Whether `diskPath` is our temp file (deleted at the end of the request). */
  private isTemporary: boolean;

  constructor(init: { fieldName: string; name: string; contentType: string; size: number; buffer?: Buffer; tempPath?: string }) {
    this.fieldName = init.fieldName;
    this.name = safeBaseName(init.name);
    this.contentType = init.contentType;
    this.size = init.size;
    this.buffer = init.buffer;
    this.diskPath = init.tempPath;
    this.isTemporary = init.tempPath !== undefined;
  }

  /** Where the bytes are on disk, when the upload was spooled to a temp file or moved. */
  get temporaryFilePath(): string | undefined {
    return this.isTemporary ? this.diskPath : undefined;
  }

  async read(): Promise<Buffer> {
    if (this.buffer) return this.buffer;
    return this.diskPath ? readFile(this.diskPath) : Buffer.alloc(0);
  }

  /** The first bytes, for content sniffing, without reading a large file whole. */
  async head(bytes = 512): Promise<Buffer> {
    if (this.buffer) return this.buffer.subarray(0, bytes);
    if (!this.diskPath) return Buffer.alloc(0);
    const chunks: Buffer[] = [];
    for await (const chunk of createReadStream(this.diskPath, { start: 0, end: bytes - 1 })) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  stream(): Readable {
    if (this.buffer) return Readable.from([this.buffer]);
    return this.diskPath ? createReadStream(this.diskPath) : Readable.from([]);
  }

  /** Store the upload at `destination`; once moved it is no longer deleted with the request. */
  async moveTo(destination: string): Promise<void> {
    if (this.buffer || !this.diskPath) {
      await writeFile(destination, this.buffer ?? Buffer.alloc(0), { flag: 'wx' });
      return;
    }
    try {
      await rename(this.diskPath, destination);
    } catch {
      // rename fails across file systems (tmpfs → disk): copy, then drop the temp file
      await copyFile(this.diskPath, destination);
      if (this.isTemporary) await rm(this.diskPath, { force: true });
    }
    this.diskPath = destination;
    this.isTemporary = false;
  }

  /** Delete the temp file, if any. Called by the framework when the request ends. */
  async cleanup(): Promise<void> {
    if (this.isTemporary && this.diskPath) {
      const path = this.diskPath;
      this.diskPath = undefined;
      this.isTemporary = false;
      await rm(path, { force: true });
    }
  }
}

/** Strip any directory part a client sent (`../../etc/passwd`, `C:\x\y.txt`). */
function safeBaseName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return clean === '.' || clean === '..' ? '' : clean;
}
