import { randomBytes } from 'node:crypto';

/** A file to upload in a test: a Blob/File, or its parts. */
export type TestFile = Blob | { name: string; content: string | Buffer; contentType?: string };

export type FormValue = string | number | boolean | null | undefined | TestFile;
export type FormData = Record<string, FormValue | readonly FormValue[]>;

function isFile(value: unknown): value is TestFile {
  return value instanceof Blob || (typeof value === 'object' && value !== null && 'content' in value && 'name' in value);
}

export function hasFiles(data: FormData): boolean {
  return Object.values(data).some((v) => (Array.isArray(v) ? v.some(isFile) : isFile(v)));
}

/** Encode fields and files as multipart/form-data, as a browser would. */
export async function encodeMultipart(data: FormData): Promise<{ body: Buffer; contentType: string }> {
  const boundary = `----ManoucheTestBoundary${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  const quote = (text: string): string => text.replace(/"/g, '%22').replace(/\r?\n/g, ' ');
  for (const [name, raw] of Object.entries(data)) {
    for (const value of Array.isArray(raw) ? raw : [raw]) {
      if (value === undefined || value === null) continue;
      if (isFile(value)) {
        const filename = value instanceof Blob ? ((value as File).name ?? 'blob') : value.name;
        const contentType = (value instanceof Blob ? value.type : value.contentType) || 'application/octet-stream';
        const content = value instanceof Blob ? Buffer.from(await value.arrayBuffer()) : Buffer.from(value.content);
        chunks.push(
          Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${quote(name)}"; filename="${quote(filename)}"\r\nContent-Type: ${contentType}\r\n\r\n`),
          content,
          Buffer.from('\r\n'),
        );
      } else {
        chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${quote(name)}"\r\n\r\n${String(value)}\r\n`));
      }
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Encode plain fields as application/x-www-form-urlencoded. */
export function encodeUrlencoded(data: FormData): string {
  const params = new URLSearchParams();
  for (const [name, raw] of Object.entries(data)) {
    for (const value of Array.isArray(raw) ? raw : [raw]) {
      if (value === undefined || value === null || isFile(value)) continue;
      params.append(name, String(value));
    }
  }
  return params.toString();
}
