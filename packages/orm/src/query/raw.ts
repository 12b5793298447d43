import { resolveDatabase } from '../db/connections';
import type { Database } from '../db/database';
import { formatPlaceholders } from '../db/placeholders';
import { FieldError } from '../errors';
import type { AnyField, Converter } from '../fields/base';
import type { AnyModel, InstanceOf } from '../models/types';
import { rowConstructor } from './hydrate';

/**
 * `Article.objects.raw(sql, params)`: model instances from hand-written SQL.
 * Columns are matched to fields by column name; the primary key must be
 * selected; other columns become plain attributes.
 */
export class RawQuerySet<M extends AnyModel> implements PromiseLike<Array<InstanceOf<M>>>, AsyncIterable<InstanceOf<M>> {
  private result: Promise<Array<InstanceOf<M>>> | undefined;

  constructor(
    readonly model: M,
    readonly rawSql: string,
    readonly params: readonly unknown[],
    private readonly using?: Database | string,
  ) {}

  private async run(): Promise<Array<InstanceOf<M>>> {
    const db = resolveDatabase(this.using);
    const meta = this.model._meta;
    const { columns, rows } = await db.query(formatPlaceholders(this.rawSql, this.params, db.dialect), this.params);
    const fields: Array<{ field: AnyField; index: number }> = [];
    const extras: Array<{ name: string; index: number }> = [];
    columns.forEach((name, index) => {
      const field = meta.concreteFields.find((f) => f.column === name || f.attname === name);
      if (field && !fields.some((f) => f.field === field)) fields.push({ field, index });
      else extras.push({ name, index });
    });
    if (!fields.some((f) => f.field.primaryKey)) throw new FieldError(`A raw query for ${meta.label} must select the primary key column ${JSON.stringify(meta.pk.column)}.`);
    const Row = rowConstructor(meta, fields.map((f) => f.field.attname));
    const converters: Converter[] = fields.map((f) => f.field.fromDb(db.vendor, db.dialect.mariadb));
    return rows.map((row) => {
      const values = fields.map((f, i) => {
        const conv = converters[i];
        const v = row[f.index];
        return conv && v !== null ? conv(v) : v;
      });
      const obj = new Row(...values, db, undefined) as Record<string, unknown>;
      for (const extra of extras) obj[extra.name] = row[extra.index];
      return obj as InstanceOf<M>;
    });
  }

  then<T1 = Array<InstanceOf<M>>, T2 = never>(onfulfilled?: ((value: Array<InstanceOf<M>>) => T1 | PromiseLike<T1>) | null, onrejected?: ((reason: unknown) => T2 | PromiseLike<T2>) | null): Promise<T1 | T2> {
    this.result ??= this.run();
    return this.result.then(onfulfilled, onrejected);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<InstanceOf<M>> {
    yield* await this;
  }
}
