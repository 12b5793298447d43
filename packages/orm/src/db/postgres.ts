import type { Pool, PoolClient, QueryArrayConfig } from 'pg';
import type { DataSource } from 'typeorm';
import { Database, type QueryResult, type Statement, type WriteResult } from './database';
import { translateError } from './errors';
import type { ResolvedSettings } from './settings';

const INT8 = 20;
const DATE = 1082;
const NUMERIC_ARRAY = 1231;

/**
 * PostgreSQL through pg's pool. Compiled statements run as named prepared
 * statements (`{ name, text, values }`): parsed and planned once per
 * connection. Rows come back as arrays and with per-query type parsers, so
 * the driver's global defaults (used by TypeORM) are left alone.
 */
export class PostgresDatabase extends Database {
  readonly pool: Pool;
  private readonly types: { getTypeParser: (oid: number, format?: string) => unknown };

  constructor(alias: string, settings: ResolvedSettings, dataSource: DataSource) {
    super(alias, settings, dataSource);
    this.pool = (dataSource.driver as unknown as { master: Pool }).master;
    const pg = (dataSource.driver as unknown as { postgres: { types: { getTypeParser(oid: number, format?: string): unknown } } }).postgres;
    // counts and bigints as numbers, dates as 'YYYY-MM-DD' strings (no time zone shift)
    this.types = {
      getTypeParser: (oid: number, format?: string) => {
        if (oid === INT8) return parseInt8;
        if (oid === DATE) return identity;
        if (oid === NUMERIC_ARRAY) return identity;
        return pg.types.getTypeParser(oid, format);
      },
    };
  }

  private target(): Pool | PoolClient {
    if (this.activeTransactions === 0) return this.pool;
    const tx = this.als.getStore();
    return tx ? (tx.connection as PoolClient) : this.pool;
  }

  selectRows(statement: Statement, params: unknown[]): Promise<unknown[][]> {
    const started = this.logging ? performance.now() : 0;
    const config: QueryArrayConfig = { name: statement.name, text: statement.sql, values: params, rowMode: 'array', types: this.types as QueryArrayConfig['types'] };
    return this.target().query(config).then(
      (result) => {
        if (this.logging) this.record(statement.sql, params, started);
        return result.rows;
      },
      (error) => {
        if (this.logging) this.record(statement.sql, params, started);
        throw translateError('postgresql', error, statement.sql);
      },
    );
  }

  write(statement: Statement, params: unknown[], returning: boolean): Promise<WriteResult> {
    const started = this.logging ? performance.now() : 0;
    const config: QueryArrayConfig = { name: statement.name, text: statement.sql, values: params, rowMode: 'array', types: this.types as QueryArrayConfig['types'] };
    return this.target().query(config).then(
      (result) => {
        if (this.logging) this.record(statement.sql, params, started);
        return { rowCount: result.rowCount ?? 0, lastInsertId: undefined, rows: returning ? result.rows : [] };
      },
      (error) => {
        if (this.logging) this.record(statement.sql, params, started);
        throw translateError('postgresql', error, statement.sql);
      },
    );
  }

  async query(sql: string, params: readonly unknown[] = []): Promise<QueryResult> {
    const started = this.logging ? performance.now() : 0;
    try {
      const result = await this.target().query({ text: sql, values: params as unknown[], rowMode: 'array', types: this.types as QueryArrayConfig['types'] });
      return { columns: (result.fields ?? []).map((f) => f.name), rows: result.rows ?? [], rowCount: result.rowCount ?? 0, lastInsertId: undefined };
    } catch (error) {
      throw translateError('postgresql', error, sql);
    } finally {
      if (this.logging) this.record(sql, params, started);
    }
  }

  protected async beginOn(): Promise<unknown> {
    try {
      return await this.pool.connect();
    } catch (error) {
      throw translateError('postgresql', error);
    }
  }

  protected async runOn(connection: unknown, sql: string): Promise<void> {
    const started = this.logging ? performance.now() : 0;
    try {
      await (connection as PoolClient).query(sql);
    } catch (error) {
      throw translateError('postgresql', error, sql);
    } finally {
      if (this.logging) this.record(sql, [], started);
    }
  }

  protected releaseConnection(connection: unknown, failed: boolean): void {
    // a connection whose transaction ended badly is discarded rather than reused
    (connection as PoolClient).release(failed ? true : undefined);
  }

  protected async closeDriver(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

function parseInt8(value: string): number | string {
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : value;
}

function identity(value: string): string {
  return value;
}
