/** A value now (SQLite answers synchronously) or later (PostgreSQL, MySQL). */
export type MaybePromise<T> = T | Promise<T>;

export function isPromiseLike<T>(value: unknown): value is PromiseLike<T> {
  return value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function';
}

/** Apply `fn` now or when the value arrives, without a microtask when it is already here. */
export function then<T, R>(value: MaybePromise<T>, fn: (value: T) => MaybePromise<R>): MaybePromise<R> {
  return value instanceof Promise ? value.then(fn) : fn(value);
}

/** Turn a MaybePromise-returning call into a Promise, routing a synchronous throw into a rejection. */
export function toPromise<T>(run: () => MaybePromise<T>): Promise<T> {
  try {
    const value = run();
    return value instanceof Promise ? value : Promise.resolve(value);
  } catch (error) {
    return Promise.reject(error);
  }
}
