import type { Database, Statement } from '../db/database';
import type { Converter } from '../fields/base';
import { NPlusOneError } from '../errors';
import { ROWSET, type RowSet } from '../models/symbols';
import { type MaybePromise, then } from '../util';
import { type CompiledSql, Compiler, type Slot } from './compiler';
import type { Hydrator } from './hydrate';
import { type QueryState, stateShape } from './nodes';

/** A compiled statement with its placeholder slots, cached per database and query shape. */
export interface Prepared {
  statement: Statement;
  slots: Slot[];
  hasLimit: boolean;
  hasOffset: boolean;
}

export interface PreparedSelect extends Prepared {
  hydrate: Hydrator;
}

/** Most shapes a model keeps compiled per database; a runaway number of distinct shapes (huge IN lists) cannot grow memory without bound. */
const MAX_SHAPES = 2000;

/** The compiled statement for `state` on `db`, compiling on first use of its shape. */
export function prepare<P extends Prepared>(db: Database, state: QueryState, kind: string, compile: (compiler: Compiler) => Omit<P, 'statement'> & CompiledSql): P {
  const cache = state.model._meta.cacheFor(db.id);
  const key = kind + stateShape(state);
  let prepared = cache.get(key) as P | undefined;
  if (prepared === undefined) {
    state.model._meta.apps.ensureReady();
    const compiled = compile(new Compiler(db.dialect, state));
    prepared = { ...compiled, statement: db.statement(compiled.sql) } as unknown as P;
    if (cache.size >= MAX_SHAPES) cache.clear();
    cache.set(key, prepared);
  }
  return prepared;
}

/** The driver parameters: each slot's argument, prepared, then LIMIT and OFFSET. */
export function bind(prepared: Prepared, args: readonly unknown[], low: number, high: number | null): unknown[] {
  const slots = prepared.slots;
  const n = slots.length;
  const out = new Array<unknown>(n + (prepared.hasLimit ? 1 : 0) + (prepared.hasOffset ? 1 : 0));
  for (let i = 0; i < n; i++) {
    const slot = slots[i]!;
    let value = slot.el < 0 ? args[slot.arg] : (args[slot.arg] as unknown[])[slot.el];
    if (value === undefined) value = null;
    else if (slot.prep !== null && value !== null) value = slot.prep(value);
    out[i] = value;
  }
  let j = n;
  if (prepared.hasLimit) out[j++] = high! - low;
  if (prepared.hasOffset) out[j] = low;
  return out;
}

export function selectPrepared(db: Database, state: QueryState): PreparedSelect {
  return prepare<PreparedSelect>(db, state, 'S', (c) => c.compileSelect());
}

/** Run the SELECT of `state` and hydrate its rows. */
export function fetch(db: Database, state: QueryState): MaybePromise<unknown[]> {
  const prepared = selectPrepared(db, state);
  const params = bind(prepared, state.args, state.low, state.high);
  return then(db.selectRows(prepared.statement, params), (rows) => prepared.hydrate(rows, db, prepared.statement.sql));
}

export function count(db: Database, state: QueryState): MaybePromise<number> {
  const prepared = prepare<Prepared>(db, state, 'C', (c) => c.compileCount());
  return then(db.selectRows(prepared.statement, bind(prepared, state.args, state.low, state.high)), (rows) => Number(rows[0]?.[0] ?? 0));
}

export function exists(db: Database, state: QueryState): MaybePromise<boolean> {
  const prepared = prepare<Prepared>(db, state, 'E', (c) => c.compileExists());
  return then(db.selectRows(prepared.statement, bind(prepared, state.args, state.low, state.high)), (rows) => rows.length > 0);
}

/** The SQL and parameters a state would run (Django's `str(qs.query)`), for debugging. */
export function explainSql(db: Database, state: QueryState): { sql: string; params: unknown[] } {
  const prepared = selectPrepared(db, state);
  return { sql: prepared.statement.sql, params: bind(prepared, state.args, state.low, state.high) };
}

export interface PreparedAggregate extends Prepared {
  converters: Converter[];
  names: string[];
}

// ------------------------------------------------------------------ strict N+1 mode

let strictNPlusOne = false;

/** Raise NPlusOneError when a relation is loaded lazily for an object that came from a list (off by default). */
export function setStrictNPlusOne(enabled: boolean): void {
  strictNPlusOne = enabled;
}

export function isStrictNPlusOne(): boolean {
  return strictNPlusOne;
}

/** Called before a lazy relation query: in strict mode, refuse when the object came from a multi-row result. */
export function checkLazyLoad(instance: object, relation: string, lazySql: () => string): void {
  if (!strictNPlusOne) return;
  const rows = (instance as { [ROWSET]?: RowSet })[ROWSET];
  if (!rows || rows.size < 2) return;
  throw new NPlusOneError(
    `N+1 query: ${rows.label}.${relation} was loaded lazily for one of ${rows.size} ${rows.label} objects fetched by «${rows.sql}». ` +
      `Each object would run «${lazySql()}». Use selectRelated('${relation}') or prefetchRelated('${relation}') on the first query.`,
  );
}
