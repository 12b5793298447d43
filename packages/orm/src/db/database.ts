import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource } from 'typeorm';
import { TransactionManagementError } from '../errors';
import type { Vendor } from '../fields/base';
import { type Dialect, dialectFor } from '../query/dialect';
import type { MaybePromise } from '../util';
import { Cursor } from './cursor';
import type { ResolvedSettings } from './settings';

/** One SQL statement compiled once and executed many times. */
export interface Statement {
  readonly sql: string;
  /** Unique per database: PostgreSQL's prepared statement name. */
  readonly name: string;
  /** Driver-side handle (a better-sqlite3 Statement), set on first use. */
  prepared?: unknown;
}

export interface WriteResult {
  rowCount: number;
  /** The id of an inserted row (MySQL's insertId, SQLite's lastInsertRowid). */
  lastInsertId: number | undefined;
  /** Rows from `RETURNING` (SQLite, PostgreSQL), as arrays. */
  rows: unknown[][];
}

export interface QueryResult {
  columns: string[];
  rows: unknown[][];
  rowCount: number;
  lastInsertId: number | undefined;
}

export interface QueryRecord {
  sql: string;
  params: readonly unknown[];
  /** Milliseconds. */
  time: number;
}

export type QueryObserver = (record: QueryRecord) => void;

/** The state of an open transaction, shared by every query run inside its `atomic()` block. */
export interface Transaction {
  readonly connection: unknown;
  depth: number;
  savepoints: number;
  onCommit: Array<{ fn: () => unknown; robust: boolean; depth: number }>;
  /** Set by setRollback(true): the block rolls back instead of committing. */
  needsRollback: boolean;
}

export interface AtomicOptions {
  /** Nested blocks create a savepoint (default true); without one, an inner error rolls back the whole transaction. */
  savepoint?: boolean;
  /** Refuse to run inside another atomic block (Django's durable=True). */
  durable?: boolean;
}

const MAX_LOGGED = 9000;
let nextId = 0;
let statementCounter = 0;

/**
 * A connection to one database (Django's `connections[alias]`). Holds the
 * TypeORM DataSource (driver, pool, schema tools), runs compiled statements
 * straight through the driver, and owns transactions.
 */
export abstract class Database {
  readonly id = nextId++;
  readonly vendor: Vendor;
  readonly dialect: Dialect;
  /** True on MariaDB (the mysql vendor otherwise means MySQL). */
  mariadb = false;
  /** Server version, e.g. `16.4` or `11.4.2-MariaDB`. */
  serverVersion = '';
  /** Recent queries when `debug` is on (Django's `connection.queries`). */
  readonly queries: QueryRecord[] = [];
  protected readonly observers = new Set<QueryObserver>();
  /** True when queries are timed and reported (DEBUG or an observer). */
  protected logging = false;
  private debugEnabled = false;
  protected readonly als = new AsyncLocalStorage<Transaction>();
  /** Open outermost transactions: the fast path skips the async-context lookup when 0. */
  protected activeTransactions = 0;
  private closed = false;

  constructor(
    readonly alias: string,
    readonly settings: ResolvedSettings,
    readonly dataSource: DataSource,
  ) {
    this.vendor = settings.vendor;
    this.dialect = dialectFor(settings.vendor, this);
  }

  get debug(): boolean {
    return this.debugEnabled;
  }

  set debug(on: boolean) {
    this.debugEnabled = on;
    this.logging = on || this.observers.size > 0;
  }

  /** Receive every query run on this database; returns the function that stops it. */
  observe(observer: QueryObserver): () => void {
    this.observers.add(observer);
    this.logging = true;
    return () => {
      this.observers.delete(observer);
      this.logging = this.debugEnabled || this.observers.size > 0;
    };
  }

  protected record(sql: string, params: readonly unknown[], started: number): void {
    const entry = { sql, params, time: performance.now() - started };
    if (this.debugEnabled) {
      if (this.queries.length >= MAX_LOGGED) this.queries.shift();
      this.queries.push(entry);
    }
    for (const observer of this.observers) observer(entry);
  }

  /** A new statement with a unique name (for PostgreSQL's named prepared statements). */
  statement(sql: string): Statement {
    return { sql, name: `mn_${this.id}_${++statementCounter}` };
  }

  // ---------------------------------------------------------------- execution

  /** Run a SELECT (or RETURNING) statement; rows come back as arrays in column order. */
  abstract selectRows(statement: Statement, params: unknown[]): MaybePromise<unknown[][]>;
  /** Run an INSERT/UPDATE/DELETE. */
  abstract write(statement: Statement, params: unknown[], returning: boolean): MaybePromise<WriteResult>;
  /** Run any SQL once (not prepared by name), with column names. */
  abstract query(sql: string, params?: readonly unknown[]): Promise<QueryResult>;

  protected abstract beginOn(): Promise<unknown>;
  protected abstract runOn(connection: unknown, sql: string): Promise<void>;
  protected abstract releaseConnection(connection: unknown, failed: boolean): Promise<void> | void;
  protected abstract closeDriver(): Promise<void>;

  /** Forget compiled statements (after the schema changed under them). */
  clearStatementCache(): void {
    for (const meta of this.knownModels()) meta.compiled[this.id] = undefined;
  }

  /** Models whose statements this database may have compiled (set by connect()). */
  knownModels: () => Array<{ compiled: Array<unknown> }> = () => [];

  /** A cursor for raw SQL (`%s` parameters). */
  cursor(): Cursor {
    return new Cursor(this);
  }

  // ---------------------------------------------------------------- transactions

  /** The transaction the current async context runs in, if any. */
  currentTransaction(): Transaction | undefined {
    return this.activeTransactions === 0 ? undefined : this.als.getStore();
  }

  get inAtomicBlock(): boolean {
    return this.currentTransaction() !== undefined;
  }

  /**
   * Django's `transaction.atomic()`: run `fn` in a transaction, committed
   * when it returns and rolled back when it throws. Nested blocks use
   * savepoints, so an inner failure caught by the outer block only undoes
   * the inner block. `onCommit` callbacks run after the outermost commit.
   */
  async atomic<T>(fn: () => T | Promise<T>, options: AtomicOptions = {}): Promise<T> {
    const current = this.currentTransaction();
    if (current) {
      if (options.durable) throw new TransactionManagementError('A durable atomic block cannot be nested within another atomic block.');
      return this.nested(current, fn, options.savepoint ?? true);
    }
    const connection = await this.acquireForTransaction();
    const tx: Transaction = { connection, depth: 0, savepoints: 0, onCommit: [], needsRollback: false };
    let failed = true;
    this.enterTransaction(tx);
    this.activeTransactions++;
    try {
      await this.runOn(connection, this.dialect.beginSql);
      let result: T;
      try {
        result = await this.als.run(tx, fn);
      } catch (error) {
        await this.runOn(connection, 'ROLLBACK').catch(() => undefined);
        throw error;
      }
      if (tx.needsRollback) {
        await this.runOn(connection, 'ROLLBACK');
      } else {
        try {
          await this.runOn(connection, 'COMMIT');
        } catch (error) {
          await this.runOn(connection, 'ROLLBACK').catch(() => undefined);
          throw error;
        }
      }
      failed = false;
      if (!tx.needsRollback) await this.runOnCommit(tx);
      return result;
    } finally {
      this.activeTransactions--;
      await this.releaseTransaction(connection, failed);
    }
  }

  private async nested<T>(tx: Transaction, fn: () => T | Promise<T>, savepoint: boolean): Promise<T> {
    const depth = tx.depth + 1;
    const mark = tx.onCommit.length;
    if (!savepoint) {
      tx.depth = depth;
      try {
        return await fn();
      } catch (error) {
        // without a savepoint the only safe outcome is rolling back the whole transaction
        tx.needsRollback = true;
        throw error;
      } finally {
        tx.depth = depth - 1;
      }
    }
    const name = `mn_sp_${++tx.savepoints}`;
    await this.runOn(tx.connection, `SAVEPOINT ${name}`);
    tx.depth = depth;
    try {
      const result = await fn();
      await this.runOn(tx.connection, `RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (error) {
      await this.runOn(tx.connection, `ROLLBACK TO SAVEPOINT ${name}`).catch(() => undefined);
      // callbacks registered inside the rolled-back block must never run
      tx.onCommit.length = mark;
      throw error;
    } finally {
      tx.depth = depth - 1;
    }
  }

  /**
   * Run `fn` with every ORM query going through `connection`, a connection
   * whose transaction someone else manages (a migration's QueryRunner).
   */
  async withConnection<T>(connection: unknown, fn: () => Promise<T>): Promise<T> {
    await this.lockExternal();
    const tx: Transaction = { connection, depth: 0, savepoints: 0, onCommit: [], needsRollback: false };
    this.enterTransaction(tx);
    this.activeTransactions++;
    try {
      return await this.als.run(tx, fn);
    } finally {
      this.activeTransactions--;
      this.releaseExternal();
    }
  }

  /** Wait until this connection may be used (SQLite: the transaction lock). */
  protected async lockExternal(): Promise<void> {}

  /** Undo lockExternal(). */
  protected releaseExternal(): void {}

  /** Mark the current transaction to roll back when its outermost block ends (Django's set_rollback). */
  setRollback(rollback: boolean): void {
    const tx = this.currentTransaction();
    if (!tx) throw new TransactionManagementError('setRollback() needs an atomic() block.');
    tx.needsRollback = rollback;
  }

  /**
   * Run `fn` after the current transaction commits (immediately when there
   * is none); dropped if it rolls back. With `robust`, an error in `fn` is
   * logged instead of thrown, so later callbacks still run.
   */
  onCommit(fn: () => unknown, options: { robust?: boolean } = {}): void | Promise<void> {
    const tx = this.currentTransaction();
    if (tx) {
      tx.onCommit.push({ fn, robust: options.robust ?? false, depth: tx.depth });
      return;
    }
    return this.callOnCommit(fn, options.robust ?? false);
  }

  private async runOnCommit(tx: Transaction): Promise<void> {
    const callbacks = tx.onCommit.splice(0);
    for (const { fn, robust } of callbacks) await this.callOnCommit(fn, robust);
  }

  private async callOnCommit(fn: () => unknown, robust: boolean): Promise<void> {
    try {
      await fn();
    } catch (error) {
      if (!robust) throw error;
      // eslint-disable-next-line no-console
      console.error('Error calling an onCommit callback', error);
    }
  }

  /** Called once the outermost transaction's state exists. */
  protected enterTransaction(_tx: Transaction): void {}

  protected acquireForTransaction(): Promise<unknown> {
    return this.beginOn();
  }

  protected releaseTransaction(connection: unknown, failed: boolean): Promise<void> | void {
    return this.releaseConnection(connection, failed);
  }

  // ---------------------------------------------------------------- lifecycle

  get isClosed(): boolean {
    return this.closed;
  }

  /** Close the pool (the app's close() hook calls it). Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.closeDriver();
  }

  toString(): string {
    return `<Database ${this.alias}: ${this.settings.description}>`;
  }
}
