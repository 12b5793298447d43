import type { Readable } from 'node:stream';
import { RequestDataTooBig } from '../errors/exceptions';

/** The client went away before sending its whole body; there is no one to answer. */
export class ClientDisconnected extends Error {
  constructor() {
    super('The client disconnected before sending the whole request body');
    this.name = 'ClientDisconnected';
  }
}

export function tooBig(limit: number): RequestDataTooBig {
  return new RequestDataTooBig(`Request body exceeded DATA_UPLOAD_MAX_MEMORY_SIZE (${limit} bytes).`);
}

/** The body stream was consumed before Manouche got it (usually an Express body parser mounted first). */
export class BodyAlreadyConsumed extends Error {
  constructor() {
    super('The request body was already read by another middleware (for example express.json()); mount Manouche before any body parser.');
    this.name = 'BodyAlreadyConsumed';
  }
}

/** Reject instead of waiting forever for an 'end' event that already happened. */
export function ensureUnread(source: Readable): void {
  if (source.readableEnded || source.destroyed) throw new BodyAlreadyConsumed();
}

/**
 * Read a whole body into memory, refusing more than `limit` bytes. A declared
 * Content-Length over the limit fails before a byte is read, so an attacker
 * cannot make the server buffer a huge body.
 */
export function readBody(source: Readable | Buffer | null, declaredLength: number | undefined, limit: number | null): Promise<Buffer> {
  if (source === null) return Promise.resolve(Buffer.alloc(0));
  if (Buffer.isBuffer(source)) {
    return limit !== null && source.length > limit ? Promise.reject(tooBig(limit)) : Promise.resolve(source);
  }
  if (limit !== null && declaredLength !== undefined && declaredLength > limit) return Promise.reject(tooBig(limit));
  try {
    ensureUnread(source);
  } catch (error) {
    return Promise.reject(error);
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      source.off('data', onData);
      source.off('end', onEnd);
      source.off('error', onError);
      source.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (limit !== null && size > limit) {
        cleanup();
        source.pause();
        reject(tooBig(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onError = (): void => {
      cleanup();
      reject(new ClientDisconnected());
    };
    const onAborted = onError;
    source.on('data', onData);
    source.on('end', onEnd);
    source.on('error', onError);
    source.on('aborted', onAborted);
  });
}
