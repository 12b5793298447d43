import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { Http404 } from '../errors/exceptions';
import { conditionalResponse } from './conditional';
import { guessContentType } from './mime-types';
import type { HttpRequest } from './request';
import { HttpResponse, StreamingHttpResponse, type ResponseInit } from './response';

export interface FileResponseOptions extends ResponseInit {
  /** Send `Content-Disposition: attachment` so the browser downloads it. */
  asAttachment?: boolean;
  /** The file name the browser should use (default: the file's own name). */
  filename?: string;
}

/**
 * A file's contents, streamed. Build it with `FileResponse.fromPath()` to get
 * Content-Length, Last-Modified, an ETag, conditional GET (304) and byte
 * ranges (206) for free.
 */
export class FileResponse extends StreamingHttpResponse {
  constructor(stream: Readable, options: FileResponseOptions = {}) {
    super(stream, options);
    if (options.asAttachment || options.filename) {
      this.headers.set('content-disposition', contentDisposition(options.filename ?? '', options.asAttachment ?? false));
    }
  }

  /** Serve the file at `filePath`, honouring If-None-Match, If-Modified-Since and Range. */
  static async fromPath(request: HttpRequest, filePath: string, options: FileResponseOptions = {}): Promise<HttpResponse> {
    const info = await stat(filePath).catch(() => undefined);
    if (!info || !info.isFile()) throw new Http404(`${basename(filePath)} does not exist`);
    const lastModified = new Date(Math.floor(info.mtimeMs / 1000) * 1000);
    const etag = `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
    const validators = { etag, lastModified };

    const conditional = conditionalResponse(request, validators);
    if (conditional) return conditional;

    const contentType = options.contentType ?? guessContentType(filePath);
    const filename = options.filename ?? (options.asAttachment ? basename(filePath) : undefined);
    const headers = { etag, 'last-modified': lastModified.toUTCString(), 'accept-ranges': 'bytes' };

    const range = request.method === 'GET' ? parseRange(request, info.size, validators) : undefined;
    if (range === 'unsatisfiable') {
      return new HttpResponse('', { status: 416, headers: { 'content-range': `bytes */${info.size}` } });
    }
    if (range) {
      const [start, end] = range;
      const response = new FileResponse(createReadStream(filePath, { start, end }), { ...options, filename, contentType, status: 206, headers });
      response.headers.set('content-range', `bytes ${start}-${end}/${info.size}`);
      response.headers.set('content-length', end - start + 1);
      return response;
    }
    const response = new FileResponse(request.method === 'HEAD' ? Readable.from([]) : createReadStream(filePath), { ...options, filename, contentType, headers });
    response.headers.set('content-length', info.size);
    return response;
  }
}

/**
 * One byte range from the Range header, 'unsatisfiable', or undefined to send
 * the whole file (no header, a multi-range request, or a stale If-Range).
 */
function parseRange(request: HttpRequest, size: number, validators: { etag: string; lastModified: Date }): [number, number] | 'unsatisfiable' | undefined {
  const header = request.header('range');
  if (!header) return undefined;
  const ifRange = request.header('if-range');
  if (ifRange !== undefined && ifRange !== validators.etag && ifRange !== validators.lastModified.toUTCString()) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return undefined; // multi-range or another unit: the full response is a valid answer
  const [, first, last] = match;
  let start: number;
  let end: number;
  if (first === '') {
    if (last === '') return undefined;
    const suffix = Number(last);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(first);
    end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
    if (last !== '' && Number(last) < start) return undefined;
  }
  if (start >= size || size === 0) return 'unsatisfiable';
  return [start, end];
}

function contentDisposition(filename: string, attachment: boolean): string {
  const kind = attachment ? 'attachment' : 'inline';
  if (!filename) return kind;
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  if (ascii === filename) return `${kind}; filename="${filename}"`;
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
