import { resolveDatabase } from './db/connections';
import type { AtomicOptions, Database } from './db/database';

/**
 * Django's `transaction.atomic()`: run `fn` in a transaction on the default
 * database (or `using`). Nested calls create savepoints: an error inside a
 * nested block rolls back only that block when the outer one catches it.
 *
 * ```ts
 * await atomic(async () => {
 *   await order.save();
 *   onCommit(() => sendConfirmation(order));   // only after COMMIT
 * });
 * ```
 */
export function atomic<T>(fn: () => T | Promise<T>, options: AtomicOptions & { using?: Database | string } = {}): Promise<T> {
  return resolveDatabase(options.using).atomic(fn, options);
}

/** Run `fn` after the current transaction commits (now, outside one); dropped on rollback. */
export function onCommit(fn: () => unknown, options: { using?: Database | string; robust?: boolean } = {}): void | Promise<void> {
  return resolveDatabase(options.using).onCommit(fn, options);
}

/** Roll back the current transaction when its outermost atomic() block ends, without raising. */
export function setRollback(rollback: boolean, options: { using?: Database | string } = {}): void {
  resolveDatabase(options.using).setRollback(rollback);
}

/** True inside an atomic() block on that database. */
export function inAtomicBlock(options: { using?: Database | string } = {}): boolean {
  return resolveDatabase(options.using).inAtomicBlock;
}
