import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { BadRequest, HttpError, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent } from '../errors/exceptions';
import type { BodyLimits } from './body-limits';
import { MultiValueDict } from './multi-value-dict';
import { QueryDict } from './query-dict';
import { UploadedFile } from './uploaded-file';
import { tooBig } from './read-body';

export interface MultipartResult {
  fields: QueryDict;
  files: MultiValueDict<UploadedFile>;
}

class FieldCollector extends QueryDict {
  add(key: string, value: string): void {
    this.appendValue(key, value);
  }
}
class FileCollector extends MultiValueDict<UploadedFile> {
  add(key: string, value: UploadedFile): void {
    this.appendValue(key, value);
  }
}

/**
 * Stream a multipart/form-data body: fields are collected in memory (within
 * DATA_UPLOAD_MAX_MEMORY_SIZE), files stay in memory up to
 * FILE_UPLOAD_MAX_MEMORY_SIZE and are spooled to a private temp file beyond.
 * Every limit breach and every malformed body rejects with a 4xx error, and
 * temp files written so far are removed.
 */
export function parseMultipart(source: Readable | Buffer, headers: Record<string, string | string[] | undefined>, limits: BodyLimits): Promise<MultipartResult> {
  const fields = new FieldCollector();
  const files = new FileCollector();
  const created: UploadedFile[] = [];
  const pendingWrites: Promise<void>[] = [];
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: headers as busboy.BusboyConfig['headers'],
      defParamCharset: 'utf8',
      limits: {
        fieldNameSize: 1000,
        fieldSize: limits.maxMemorySize ?? Infinity,
        fields: limits.maxNumberFields ?? Infinity,
        files: limits.maxNumberFiles ?? Infinity,
        fileSize: limits.fileMaxSize ?? Infinity,
      },
    });
  } catch (error) {
    return Promise.reject(new BadRequest(`Malformed multipart request: ${(error as Error).message}`, 'malformed_multipart'));
  }

  return new Promise<MultipartResult>((resolve, reject) => {
    let failed = false;
    let fieldBytes = 0;
    const fail = (error: Error): void => {
      if (failed) return;
      failed = true;
      if (!Buffer.isBuffer(source)) {
        source.unpipe(parser);
        source.resume(); // drain what is left so the socket can answer
      }
      void Promise.allSettled(pendingWrites).then(() => Promise.all(created.map((f) => f.cleanup())));
      reject(error);
    };

    parser.on('field', (name, value, info) => {
      if (failed) return;
      fieldBytes += name.length + value.length;
      if (info.valueTruncated || (limits.maxMemorySize !== null && fieldBytes > limits.maxMemorySize)) {
        fail(tooBig(limits.maxMemorySize ?? 0));
        return;
      }
      fields.add(name, value);
    });

    parser.on('file', (name, stream, info) => {
      if (failed) {
        stream.resume();
        return;
      }
      if (!info.filename) {
        stream.resume(); // an empty <input type=file>: browsers send a nameless, empty part
        return;
      }
      pendingWrites.push(
        spool(stream, limits).then(
          (stored) => {
            const file = new UploadedFile({ fieldName: name, name: info.filename ?? '', contentType: info.mimeType, ...stored });
            created.push(file);
            files.add(name, file);
          },
          (error: Error) => fail(error),
        ),
      );
    });

    parser.on('fieldsLimit', () => fail(new TooManyFieldsSent(limits.maxNumberFields ?? 0)));
    parser.on('filesLimit', () => fail(new TooManyFilesSent(limits.maxNumberFiles ?? 0)));
    parser.on('error', (error: Error) =>
      fail(error instanceof HttpError ? error : new BadRequest(`Malformed multipart request: ${error.message}`, 'malformed_multipart')),
    );
    parser.on('close', () => {
      void Promise.all(pendingWrites).then(() => {
        if (!failed) resolve({ fields, files });
      });
    });

    if (Buffer.isBuffer(source)) parser.end(source);
    else {
      source.on('error', () => fail(new BadRequest('The request body was interrupted', 'body_interrupted')));
      source.pipe(parser);
    }
  });
}

interface Stored {
  size: number;
  buffer?: Buffer;
  tempPath?: string;
}

/** Keep a file in memory while small; past the threshold, move it to a 0600 temp file. */
function spool(stream: Readable & { truncated?: boolean }, limits: BodyLimits): Promise<Stored> {
  return new Promise<Stored>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let out: WriteStream | undefined;
    let tempPath: string | undefined;
    stream.on('limit', () => {
      out?.destroy();
      if (tempPath) void rm(tempPath, { force: true });
      reject(new RequestDataTooBig(`An uploaded file exceeded FILE_UPLOAD_MAX_SIZE (${limits.fileMaxSize} bytes).`));
    });
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (out) {
        out.write(chunk);
        return;
      }
      chunks.push(chunk);
      if (size > limits.fileMaxMemorySize) {
        tempPath = join(limits.tempDir, `manouche-upload-${randomBytes(12).toString('hex')}`);
        out = createWriteStream(tempPath, { mode: 0o600, flags: 'wx' });
        out.on('error', reject);
        for (const c of chunks) out.write(c);
        chunks.length = 0;
      }
    });
    stream.on('end', () => {
      if (stream.truncated) return; // 'limit' already rejected
      if (!out) {
        resolve({ size, buffer: Buffer.concat(chunks, size) });
        return;
      }
      out.end(() => resolve({ size, tempPath }));
    });
    stream.on('error', reject);
  });
}
