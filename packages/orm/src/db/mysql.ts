import type { DataSource } from 'typeorm';
import { Database, type QueryResult, type Statement, type WriteResult } from './database';
import { translateError } from './errors';
import type { ResolvedSettings } from './settings';

interface Field {
  name: string;
}
type Callback = (error: Error | null, result: unknown, fields?: Field[]) => void;
interface Executor {
  execute(options: { sql: string; rowsAsArray?: boolean }, values: unknown[], callback: Callback): void;
  query(options: { sql: string; rowsAsArray?: boolean }, values: unknown[], callback: Callback): void;
}
interface PoolConnection extends Executor {
  release(): void;
  destroy(): void;
}
interface Pool extends Executor {
  getConnection(callback: (error: Error | null, connection: PoolConnection) => void): void;
}
interface ResultHeader {
  affectedRows: number;
  insertId: number;
}

/**
 * MySQL and MariaDB through mysql2's pool. Compiled statements use
 * `execute()`: server-side prepared statements, cached per connection by
 * mysql2; rows come back as arrays.
 */
export class MysqlDatabase extends Database {
  readonly pool: Pool;

  constructor(alias: string, settings: ResolvedSettings, dataSource: DataSource) {
    super(alias, settings, dataSource);
    this.pool = (dataSource.driver as unknown as { pool: Pool }).pool;
  }

  private target(): Executor {
    if (this.activeTransactions === 0) return this.pool;
    const tx = this.als.getStore();
    return tx ? (tx.connection as PoolConnection) : this.pool;
  }

  private run(sql: string, params: readonly unknown[], prepared: boolean): Promise<{ result: unknown; fields: Field[] | undefined }> {
    const started = this.logging ? performance.now() : 0;
    const target = this.target();
    return new Promise((resolve, reject) => {
      const done: Callback = (error, result, fields) => {
        if (this.logging) this.record(sql, params, started);
        if (error) reject(translateError('mysql', error, sql));
        else resolve({ result, fields });
      };
      if (prepared) target.execute({ sql, rowsAsArray: true }, params as unknown[], done);
      else target.query({ sql, rowsAsArray: true }, params as unknown[], done);
    });
  }

  selectRows(statement: Statement, params: unknown[]): Promise<unknown[][]> {
    return this.run(statement.sql, params, true).then(({ result }) => result as unknown[][]);
  }

  write(statement: Statement, params: unknown[]): Promise<WriteResult> {
    return this.run(statement.sql, params, true).then(({ result }) => {
      // MariaDB's INSERT … RETURNING answers with rows
      if (Array.isArray(result)) return { rowCount: result.length, lastInsertId: undefined, rows: result as unknown[][] };
      const header = result as ResultHeader;
      return { rowCount: header.affectedRows, lastInsertId: header.insertId || undefined, rows: [] };
    });
  }

  async query(sql: string, params: readonly unknown[] = []): Promise<QueryResult> {
    // text protocol: DDL and one-off statements cannot always be prepared
    const { result, fields } = await this.run(sql, params, false);
    if (Array.isArray(result)) return { columns: (fields ?? []).map((f) => f.name), rows: result as unknown[][], rowCount: result.length, lastInsertId: undefined };
    const header = result as ResultHeader;
    return { columns: [], rows: [], rowCount: header.affectedRows, lastInsertId: header.insertId || undefined };
  }

  protected beginOn(): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.pool.getConnection((error, connection) => (error ? reject(translateError('mysql', error)) : resolve(connection)));
    });
  }

  protected runOn(connection: unknown, sql: string): Promise<void> {
    const started = this.logging ? performance.now() : 0;
    return new Promise((resolve, reject) => {
      (connection as PoolConnection).query({ sql }, [], (error) => {
        if (this.logging) this.record(sql, [], started);
        if (error) reject(translateError('mysql', error, sql));
        else resolve();
      });
    });
  }

  protected releaseConnection(connection: unknown, failed: boolean): void {
    if (failed) (connection as PoolConnection).destroy();
    else (connection as PoolConnection).release();
  }

  protected async closeDriver(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
