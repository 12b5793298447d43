import type BetterSqlite3 from 'better-sqlite3';
import type { DataSource } from 'typeorm';
import type { MaybePromise } from '../util';
import { Database, type QueryResult, type Statement, type Transaction, type WriteResult } from './database';
import { translateError } from './errors';
import type { ResolvedSettings } from './settings';

type Prepared = BetterSqlite3.Statement<unknown[], unknown[]>;

/**
 * SQLite through better-sqlite3. Statements run synchronously on one
 * connection, so reads cost no I/O round trip; an open transaction holds a
 * lock that makes other async contexts wait instead of slipping their
 * statements into it.
 */
export class SqliteDatabase extends Database {
  readonly connection: BetterSqlite3.Database;
  private lockOwner: Transaction | null = null;
  private lockReleased: Promise<void> | null = null;
  private releaseLock: (() => void) | null = null;
  private readonly oneOff = new Map<string, Prepared>();

  constructor(alias: string, settings: ResolvedSettings, dataSource: DataSource) {
    super(alias, settings, dataSource);
    this.connection = (dataSource.driver as unknown as { databaseConnection: BetterSqlite3.Database }).databaseConnection;
    // SQLite has no REGEXP of its own; Django registers one the same way
    this.connection.function('regexp', { deterministic: true }, (pattern: unknown, value: unknown) => (value === null || pattern === null ? null : new RegExp(String(pattern)).test(String(value)) ? 1 : 0));
    this.connection.function('iregexp', { deterministic: true }, (pattern: unknown, value: unknown) => (value === null || pattern === null ? null : new RegExp(String(pattern), 'i').test(String(value)) ? 1 : 0));
    this.serverVersion = (this.connection.prepare('select sqlite_version()').pluck().get() as string) ?? '';
  }

  private prepare(statement: Statement): Prepared {
    let prepared = statement.prepared as Prepared | undefined;
    if (!prepared) {
      prepared = this.connection.prepare(statement.sql) as Prepared;
      if (prepared.reader) prepared.raw(true);
      (statement as { prepared?: unknown }).prepared = prepared;
    }
    return prepared;
  }

  /** True when another async context holds the transaction lock. */
  private mustWait(): boolean {
    return this.lockOwner !== null && this.als.getStore() !== this.lockOwner;
  }

  private async waitForLock(): Promise<void> {
    while (this.lockOwner !== null && this.als.getStore() !== this.lockOwner) await this.lockReleased;
  }

  selectRows(statement: Statement, params: unknown[]): MaybePromise<unknown[][]> {
    if (this.lockOwner !== null && this.mustWait()) return this.waitForLock().then(() => this.selectRows(statement, params));
    const started = this.logging ? performance.now() : 0;
    try {
      return this.prepare(statement).all(params) as unknown[][];
    } catch (error) {
      throw translateError('sqlite', error, statement.sql);
    } finally {
      if (this.logging) this.record(statement.sql, params, started);
    }
  }

  write(statement: Statement, params: unknown[], returning: boolean): MaybePromise<WriteResult> {
    if (this.lockOwner !== null && this.mustWait()) return this.waitForLock().then(() => this.write(statement, params, returning));
    const started = this.logging ? performance.now() : 0;
    try {
      const prepared = this.prepare(statement);
      if (returning) {
        const rows = prepared.all(params) as unknown[][];
        return { rowCount: rows.length, lastInsertId: undefined, rows };
      }
      const info = prepared.run(params);
      return { rowCount: info.changes, lastInsertId: Number(info.lastInsertRowid), rows: [] };
    } catch (error) {
      throw translateError('sqlite', error, statement.sql);
    } finally {
      if (this.logging) this.record(statement.sql, params, started);
    }
  }

  async query(sql: string, params: readonly unknown[] = []): Promise<QueryResult> {
    if (this.mustWait()) await this.waitForLock();
    const started = this.logging ? performance.now() : 0;
    try {
      let prepared = this.oneOff.get(sql);
      if (!prepared) {
        prepared = this.connection.prepare(sql) as Prepared;
        if (this.oneOff.size > 200) this.oneOff.clear();
        this.oneOff.set(sql, prepared);
      }
      if (prepared.reader) {
        prepared.raw(true);
        const rows = prepared.all(params as unknown[]) as unknown[][];
        return { columns: prepared.columns().map((c) => c.name), rows, rowCount: rows.length, lastInsertId: undefined };
      }
      const info = prepared.run(params as unknown[]);
      return { columns: [], rows: [], rowCount: info.changes, lastInsertId: Number(info.lastInsertRowid) };
    } catch (error) {
      throw translateError('sqlite', error, sql);
    } finally {
      if (this.logging) this.record(sql, params, started);
    }
  }

  protected override async acquireForTransaction(): Promise<unknown> {
    // test and take the lock with no await in between: after `await this.waitForLock()` two
    // callers could both resume seeing it free, and both BEGIN on the one connection
    while (this.mustWait()) await this.lockReleased;
    this.lockReleased = new Promise((resolve) => {
      this.releaseLock = resolve;
    });
    // reserved until the transaction state exists (enterTransaction), so others already wait
    this.lockOwner = RESERVED;
    return this.connection;
  }

  protected override enterTransaction(tx: Transaction): void {
    this.lockOwner = tx;
  }

  protected beginOn(): Promise<unknown> {
    return Promise.resolve(this.connection);
  }

  protected async runOn(_connection: unknown, sql: string): Promise<void> {
    const started = this.logging ? performance.now() : 0;
    try {
      this.connection.exec(sql);
    } catch (error) {
      throw translateError('sqlite', error, sql);
    } finally {
      if (this.logging) this.record(sql, [], started);
    }
  }

  protected override releaseTransaction(): void {
    this.lockOwner = null;
    const release = this.releaseLock;
    this.releaseLock = null;
    this.lockReleased = null;
    release?.();
  }

  protected releaseConnection(): void {}

  protected override async lockExternal(): Promise<void> {
    await this.acquireForTransaction();
  }

  protected override releaseExternal(): void {
    this.releaseTransaction();
  }

  protected async closeDriver(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/** The lock's owner between taking it and creating the transaction state. */
const RESERVED = { connection: null, depth: 0, savepoints: 0, onCommit: [], needsRollback: false } as Transaction;
