import type { BackendParams, CacheBackend } from '../backend';
import { MissingKeyError } from '../errors';
import { encode } from '../serializer';
import { rejectUnknown } from './options';

/**
 * Django's DummyCache: implements the interface and stores nothing, for
 * development. Values are still serialized, so a value no real backend could
 * store fails here too.
 */
export class DummyBackend implements CacheBackend {
  constructor(params: BackendParams) {
    rejectUnknown(params.alias, 'dummy', params.options, []);
  }

  get(): undefined {
    return undefined;
  }

  getMany(keys: readonly string[]): undefined[] {
    return keys.map(() => undefined);
  }

  set(_key: string, value: unknown): boolean {
    encode(value);
    return true;
  }

  add(_key: string, value: unknown): boolean {
    encode(value);
    return true;
  }

  setMany(entries: ReadonlyArray<readonly [string, unknown]>): string[] {
    for (const [, value] of entries) encode(value);
    return [];
  }

  delete(): boolean {
    return false;
  }

  deleteMany(): void {}

  incr(key: string): number {
    throw new MissingKeyError(key, ' (the dummy cache stores nothing)');
  }

  touch(): boolean {
    return false;
  }

  clear(): void {}

  invalidateTags(): number {
    return 0;
  }

  close(): void {}
}
