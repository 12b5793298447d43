import { resolveDatabase } from '../db/connections';
import type { Database, QueryRecord } from '../db/database';

/** The queries run while `fn` ran (Django's CaptureQueriesContext). */
export async function captureQueries<T>(fn: () => T | Promise<T>, options: { using?: Database | string } = {}): Promise<{ result: T; queries: QueryRecord[] }> {
  const db = resolveDatabase(options.using);
  const queries: QueryRecord[] = [];
  const stop = db.observe((q) => queries.push(q));
  try {
    const result = await fn();
    return { result, queries };
  } finally {
    stop();
  }
}

/** Raised by assertNumQueries(); lists the captured queries. */
export class QueryCountError extends Error {
  constructor(
    message: string,
    readonly queries: QueryRecord[],
  ) {
    super(message);
    this.name = 'QueryCountError';
  }
}

/**
 * Django's `assertNumQueries`: run `fn` and fail unless exactly `expected`
 * queries ran, listing them (the usual way to pin down an N+1).
 *
 * ```ts
 * await assertNumQueries(2, () => Article.objects.prefetchRelated('tags'));
 * ```
 */
export async function assertNumQueries<T>(expected: number, fn: () => T | Promise<T>, options: { using?: Database | string } = {}): Promise<T> {
  const { result, queries } = await captureQueries(fn, options);
  if (queries.length !== expected) {
    const list = queries.map((q, i) => `${i + 1}. ${q.sql}`).join('\n');
    throw new QueryCountError(`${queries.length} != ${expected} : ${queries.length} queries executed, ${expected} expected\nCaptured queries were:\n${list}`, queries);
  }
  return result;
}
