/**
 * Django's MultiValueDict: a key may carry several values (`?tag=a&tag=b`).
 * `get()` returns the last value, as in Django; `getList()` returns them all.
 */
export class MultiValueDict<T> implements Iterable<[string, T]> {
  protected readonly lists: Map<string, T[]>;

  constructor(entries?: Iterable<[string, T]>) {
    this.lists = new Map();
    if (entries) for (const [key, value] of entries) this.appendValue(key, value);
  }

  get(key: string): T | undefined;
  get(key: string, defaultValue: T): T;
  get(key: string, defaultValue?: T): T | undefined {
    const list = this.lists.get(key);
    return list && list.length > 0 ? list[list.length - 1] : defaultValue;
  }

  getList(key: string): T[] {
    return [...(this.lists.get(key) ?? [])];
  }

  has(key: string): boolean {
    return this.lists.has(key);
  }

  keys(): IterableIterator<string> {
    return this.lists.keys();
  }

  get size(): number {
    return this.lists.size;
  }

  /** Every (key, value) pair, keys repeated for multiple values. */
  *[Symbol.iterator](): IterableIterator<[string, T]> {
    for (const [key, list] of this.lists) for (const value of list) yield [key, value];
  }

  /** Pairs of key and all its values. */
  entriesList(): IterableIterator<[string, T[]]> {
    return this.lists.entries();
  }

  /** A plain object holding the last value of each key (Django's `dict()`). */
  toObject(): Record<string, T> {
    const out: Record<string, T> = {};
    for (const [key, list] of this.lists) out[key] = list[list.length - 1]!;
    return out;
  }

  /** A plain object holding every value of each key. */
  toLists(): Record<string, T[]> {
    const out: Record<string, T[]> = {};
    for (const [key, list] of this.lists) out[key] = [...list];
    return out;
  }

  protected appendValue(key: string, value: T): void {
    const list = this.lists.get(key);
    if (list) list.push(value);
    else this.lists.set(key, [value]);
  }
}

/** A mutable MultiValueDict, for building data (e.g. a form's data in a test). */
export class MutableMultiValueDict<T> extends MultiValueDict<T> {
  set(key: string, value: T): this {
    this.lists.set(key, [value]);
    return this;
  }
  setList(key: string, values: T[]): this {
    this.lists.set(key, [...values]);
    return this;
  }
  append(key: string, value: T): this {
    this.appendValue(key, value);
    return this;
  }
  delete(key: string): boolean {
    return this.lists.delete(key);
  }
}
