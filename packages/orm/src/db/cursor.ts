import type { Database } from './database';
import { formatPlaceholders } from './placeholders';

/**
 * A DB-API style cursor over the connection (Django's `connection.cursor()`)
 * for SQL the ORM does not express. Parameters use `%s` and are always bound.
 *
 * ```ts
 * const cursor = await db.cursor().execute('SELECT id, title FROM news_article WHERE views > %s', [10]);
 * cursor.fetchAll(); // [[1, 'Hello'], …]
 * ```
 */
export class Cursor {
  /** Column names of the last result. */
  description: string[] = [];
  rowCount = -1;
  lastRowId: number | undefined;
  private rows: unknown[][] = [];
  private position = 0;

  constructor(private readonly db: Database) {}

  async execute(sql: string, params: readonly unknown[] = []): Promise<this> {
    const result = await this.db.query(formatPlaceholders(sql, params, this.db.dialect), params);
    this.description = result.columns;
    this.rows = result.rows;
    this.rowCount = result.rowCount;
    this.lastRowId = result.lastInsertId;
    this.position = 0;
    return this;
  }

  /** The next row, or null when there are no more. */
  fetchOne(): unknown[] | null {
    return this.position < this.rows.length ? this.rows[this.position++]! : null;
  }

  fetchMany(size = 100): unknown[][] {
    const out = this.rows.slice(this.position, this.position + size);
    this.position += out.length;
    return out;
  }

  fetchAll(): unknown[][] {
    const out = this.rows.slice(this.position);
    this.position = this.rows.length;
    return out;
  }

  /** The remaining rows as objects keyed by column name. */
  fetchAllObjects(): Array<Record<string, unknown>> {
    return this.fetchAll().map((row) => Object.fromEntries(this.description.map((name, i) => [name, row[i]])));
  }
}
