import type { UploadedFile } from '@manouche/core';

/**
 * What a form reads submitted values from: core's QueryDict
 * (`await request.form()`), any MultiValueDict, URLSearchParams, a web
 * FormData, or a plain object (`{ title: 'x', tags: ['a', 'b'], age: 3 }`,
 * e.g. a JSON body).
 */
export type FormDataInput =
  | { get(name: string): unknown; getList(name: string): unknown[]; has(name: string): boolean }
  | { get(name: string): unknown; getAll(name: string): unknown[]; has(name: string): boolean }
  | Readonly<Record<string, unknown>>;

/** Uploaded files: `await request.files()`, or a plain object of UploadedFile (or arrays of them). */
export type FilesInput =
  | { get(name: string): UploadedFile | undefined; getList(name: string): UploadedFile[]; has(name: string): boolean }
  | Readonly<Record<string, UploadedFile | readonly UploadedFile[] | undefined>>;

/** The one interface widgets read from, whatever the form was bound with. */
export interface DataSource {
  /** The last value submitted under `name` (undefined when absent). */
  get(name: string): unknown;
  /** Every value submitted under `name`. */
  getList(name: string): unknown[];
  has(name: string): boolean;
}

export interface FileSource {
  get(name: string): UploadedFile | undefined;
  getList(name: string): UploadedFile[];
  has(name: string): boolean;
}

/**
 * A plain object as a DataSource. Only own properties count, so a field
 * named `constructor` or `__proto__` never reads Object.prototype.
 */
class ObjectSource implements DataSource {
  constructor(private readonly object: Readonly<Record<string, unknown>>) {}

  get(name: string): unknown {
    if (!Object.hasOwn(this.object, name)) return undefined;
    const value = this.object[name];
    return Array.isArray(value) ? value[value.length - 1] : value;
  }

  getList(name: string): unknown[] {
    if (!Object.hasOwn(this.object, name)) return [];
    const value = this.object[name];
    if (Array.isArray(value)) return value;
    return value === undefined ? [] : [value];
  }

  has(name: string): boolean {
    return Object.hasOwn(this.object, name) && this.object[name] !== undefined;
  }
}

class GetAllSource implements DataSource {
  constructor(private readonly source: { get(name: string): unknown; getAll(name: string): unknown[]; has(name: string): boolean }) {}
  get(name: string): unknown {
    const all = this.source.getAll(name);
    return all.length ? all[all.length - 1] : undefined;
  }
  getList(name: string): unknown[] {
    return this.source.getAll(name);
  }
  has(name: string): boolean {
    return this.source.has(name);
  }
}

const EMPTY: DataSource & FileSource = {
  get: () => undefined,
  getList: () => [],
  has: () => false,
};

export function toDataSource(input: FormDataInput | null | undefined): DataSource {
  if (input === null || input === undefined) return EMPTY;
  const candidate = input as Partial<Record<'get' | 'getList' | 'getAll' | 'has', unknown>>;
  if (typeof candidate.getList === 'function' && typeof candidate.get === 'function') return input as DataSource;
  if (typeof candidate.getAll === 'function' && typeof candidate.get === 'function') return new GetAllSource(input as ConstructorParameters<typeof GetAllSource>[0]);
  if (typeof input !== 'object') throw new TypeError(`Form data must be a QueryDict, URLSearchParams, FormData or plain object; got ${typeof input}.`);
  return new ObjectSource(input as Readonly<Record<string, unknown>>);
}

export function toFileSource(input: FilesInput | null | undefined): FileSource {
  if (input === null || input === undefined) return EMPTY;
  if (typeof (input as { getList?: unknown }).getList === 'function') return input as FileSource;
  if (typeof input !== 'object') throw new TypeError(`Form files must be a MultiValueDict of UploadedFile or a plain object; got ${typeof input}.`);
  return new ObjectSource(input as Readonly<Record<string, unknown>>) as FileSource;
}
