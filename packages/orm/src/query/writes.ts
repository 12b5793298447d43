import { resolveDatabase } from '../db/connections';
import type { Database, Statement } from '../db/database';
import { DatabaseError, FieldError } from '../errors';
import type { AnyField, Converter, Vendor } from '../fields/base';
import { ForeignKey } from '../fields/related';
import type { ModelMeta } from '../models/meta';
import { DB, isModelInstance, RELATED } from '../models/symbols';
import type { AnyModel } from '../models/types';
import { postSave, preSave } from '../signals';

export interface SaveOptions {
  /** Always INSERT (fails if the primary key exists). */
  forceInsert?: boolean;
  /** Always UPDATE (fails if no row has this primary key). */
  forceUpdate?: boolean;
  /** Only write these fields (an UPDATE of just them). */
  updateFields?: readonly string[];
  using?: Database | string;
}

export interface BulkCreateOptions {
  /** Rows per INSERT statement (default: as many as the backend's parameter limit allows). */
  batchSize?: number;
  /** Skip rows that violate a unique constraint (primary keys are then not set). */
  ignoreConflicts?: boolean;
  /** Upsert: on a conflict over `uniqueFields`, update `updateFields`. */
  updateConflicts?: boolean;
  uniqueFields?: readonly string[];
  updateFields?: readonly string[];
}

/** Parameters per statement kept well under every backend's limit (SQLite 32766, PostgreSQL/MySQL 65535). */
const MAX_PARAMS = 10_000;

type Instance = Record<string | symbol, unknown>;

function cached(db: Database, meta: ModelMeta, key: string, build: () => string): Statement {
  const cache = meta.cacheFor(db.id);
  let statement = cache.get(key) as Statement | undefined;
  if (!statement) {
    statement = db.statement(build());
    cache.set(key, statement);
  }
  return statement;
}

function converters(fields: AnyField[], vendor: Vendor): Converter[] {
  return fields.map((f) => f.toDb(vendor));
}

function dbValue(value: unknown, converter: Converter): unknown {
  if (value === undefined || value === null) return null;
  return converter ? converter(value) : value;
}

/** Copy keys from cached related objects (assigned before they were saved) and refuse unsaved ones (Django's data-loss guard). */
function syncForeignKeys(meta: ModelMeta, instance: Instance, fields: readonly AnyField[]): void {
  const related = instance[RELATED] as Record<string, unknown> | undefined;
  if (!related) return;
  for (const field of fields) {
    if (!(field instanceof ForeignKey) || !(field.name in related)) continue;
    const target = related[field.name] as Instance | null;
    if (target === null || target === undefined) continue;
    const key = target[field.targetField.attname];
    if (key === null || key === undefined) {
      throw new DatabaseError(`save() prohibited to prevent data loss due to unsaved related object ${JSON.stringify(field.name)} on ${meta.label}.`);
    }
    instance[field.attname] = key;
  }
}

/** INSERT one object; sets its primary key when the database generated it. */
async function insertRow(db: Database, meta: ModelMeta, instance: Instance): Promise<void> {
  const pk = meta.pk;
  const fields = meta.concreteFields.filter((f) => !(f.dbGenerated && (instance[f.attname] === null || instance[f.attname] === undefined)));
  const values = fields.map((f) => f.preSave(instance, true));
  const returning = pk.dbGenerated && !fields.includes(pk) && db.dialect.returning;
  const q = db.dialect.quote;
  const statement = cached(db, meta, `I${fields.map((f) => f.attname).join(',')}${returning ? 'R' : ''}`, () => {
    const table = q(meta.dbTable);
    const insert = fields.length
      ? `INSERT INTO ${table} (${fields.map((f) => q(f.column)).join(', ')}) VALUES (${fields.map((_, i) => db.dialect.placeholder(i + 1)).join(', ')})`
      : db.dialect.insertDefaultValues(table);
    return insert + (returning ? ` RETURNING ${q(pk.column)}` : '');
  });
  const conv = converters(fields, db.vendor);
  const result = await db.write(statement, values.map((v, i) => dbValue(v, conv[i]!)), returning);
  if (pk.dbGenerated && !fields.includes(pk)) {
    const key = returning ? result.rows[0]?.[0] : result.lastInsertId;
    const fromDb = pk.fromDb(db.vendor, db.dialect.mariadb);
    instance[pk.attname] = fromDb ? fromDb(key) : typeof key === 'string' ? Number(key) : key;
  }
}

/** UPDATE one object by primary key; false when no row has that key. */
async function updateRow(db: Database, meta: ModelMeta, instance: Instance, only: readonly AnyField[] | null): Promise<boolean> {
  const pk = meta.pk;
  // deferred fields (only()/defer()) were never loaded: they are left as they are in the database
  const fields = (only ?? meta.concreteFields).filter((f) => !f.primaryKey && Object.hasOwn(instance, f.attname));
  if (fields.length === 0) {
    const found = await db.query(`SELECT 1 FROM ${db.dialect.quote(meta.dbTable)} WHERE ${db.dialect.quote(pk.column)} = ${db.dialect.placeholder(1)}`, [dbValue(instance[pk.attname], pk.toDb(db.vendor))]);
    return found.rows.length > 0;
  }
  const values = fields.map((f) => f.preSave(instance, false));
  const q = db.dialect.quote;
  const statement = cached(db, meta, `W${fields.map((f) => f.attname).join(',')}`, () => {
    const sets = fields.map((f, i) => `${q(f.column)} = ${db.dialect.placeholder(i + 1)}`).join(', ');
    return `UPDATE ${q(meta.dbTable)} SET ${sets} WHERE ${q(pk.column)} = ${db.dialect.placeholder(fields.length + 1)}`;
  });
  const conv = converters(fields, db.vendor);
  const params = [...values.map((v, i) => dbValue(v, conv[i]!)), dbValue(instance[pk.attname], pk.toDb(db.vendor))];
  const result = await db.write(statement, params, false);
  return result.rowCount > 0;
}

/** Model.save(): INSERT or UPDATE, with preSave/postSave signals. */
export async function saveInstance(instance: object, options: SaveOptions = {}): Promise<void> {
  const obj = instance as Instance;
  const model = instance.constructor as AnyModel;
  const meta = model._meta;
  if (options.forceInsert && (options.forceUpdate || options.updateFields)) throw new DatabaseError('Cannot force both insert and updating in model saving.');
  const db = resolveDatabase(options.using ?? (obj[DB] as Database | undefined));
  let only: AnyField[] | null = null;
  if (options.updateFields) {
    if (options.updateFields.length === 0) return;
    only = options.updateFields.map((name) => {
      const field = meta.fieldMap.get(name);
      if (!field || !field.concrete || field.primaryKey) {
        throw new FieldError(`updateFields: ${JSON.stringify(name)} is not a concrete, non-primary-key field of ${meta.label}. Choices are: ${meta.concreteFields.filter((f) => !f.primaryKey).map((f) => f.name).join(', ')}.`);
      }
      return field;
    });
  }
  syncForeignKeys(meta, obj, only ?? meta.concreteFields);
  const updateFields = only ? only.map((f) => f.name) : null;
  if (preSave.hasListeners(model)) await preSave.send(model, { sender: model, instance, using: db, updateFields, raw: false });
  const adding = obj[DB] === undefined;
  const pkValue = obj[meta.pk.attname];
  const pkSet = pkValue !== null && pkValue !== undefined;
  // a new object whose key comes from a default (a UUID) is certainly new: skip the UPDATE attempt
  const forceInsert = options.forceInsert || (adding && meta.pk.hasDefault() && !options.forceUpdate);
  let created = false;
  if (pkSet && !forceInsert) {
    const updated = await updateRow(db, meta, obj, only);
    if (!updated) {
      if (options.forceUpdate) throw new DatabaseError('Forced update did not affect any rows.');
      if (only) throw new DatabaseError('Save with updateFields did not affect any rows.');
      await insertRow(db, meta, obj);
      created = true;
    }
  } else {
    if (options.forceUpdate) throw new DatabaseError('Cannot force an update in save() with no primary key.');
    await insertRow(db, meta, obj);
    created = true;
  }
  obj[DB] = db;
  if (postSave.hasListeners(model)) await postSave.send(model, { sender: model, instance, using: db, updateFields, raw: false, created });
}

// ------------------------------------------------------------------ bulk

function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function conflictClause(db: Database, meta: ModelMeta, options: BulkCreateOptions): string {
  const q = db.dialect.quote;
  if (options.ignoreConflicts) return db.vendor === 'postgresql' || db.vendor === 'sqlite' ? ' ON CONFLICT DO NOTHING' : '';
  if (!options.updateConflicts) return '';
  const updates = (options.updateFields ?? []).map((n) => meta.getField(n));
  if (!updates.length) throw new FieldError('bulkCreate({ updateConflicts: true }) needs updateFields.');
  if (db.vendor === 'mysql') return ` ON DUPLICATE KEY UPDATE ${updates.map((f) => `${q(f.column)} = VALUES(${q(f.column)})`).join(', ')}`;
  const unique = (options.uniqueFields ?? []).map((n) => (n === 'pk' ? meta.pk : meta.getField(n)));
  if (!unique.length) throw new FieldError('bulkCreate({ updateConflicts: true }) needs uniqueFields on this backend.');
  return ` ON CONFLICT (${unique.map((f) => q(f.column)).join(', ')}) DO UPDATE SET ${updates.map((f) => `${q(f.column)} = EXCLUDED.${q(f.column)}`).join(', ')}`;
}

/** INSERT many objects with multi-row VALUES; sets generated primary keys where the backend can return them. */
export async function bulkCreate(model: AnyModel, instances: object[], db: Database, options: BulkCreateOptions = {}): Promise<void> {
  if (instances.length === 0) return;
  const meta = model._meta;
  const pk = meta.pk;
  const objs = instances as Instance[];
  for (const obj of objs) {
    if (!isModelInstance(obj) || obj.constructor !== model) throw new FieldError(`bulkCreate() on ${meta.label} takes ${meta.label} objects or field values.`);
    syncForeignKeys(meta, obj, meta.concreteFields);
  }
  const withPk = objs.filter((o) => o[pk.attname] !== null && o[pk.attname] !== undefined);
  const withoutPk = objs.filter((o) => o[pk.attname] === null || o[pk.attname] === undefined);
  const q = db.dialect.quote;
  const conflict = conflictClause(db, meta, options);
  const prefix = options.ignoreConflicts && db.vendor === 'sqlite' ? 'INSERT OR IGNORE' : options.ignoreConflicts && db.vendor === 'mysql' ? 'INSERT IGNORE' : 'INSERT';
  await db.atomic(async () => {
    for (const [group, includePk] of [[withPk, true], [withoutPk, !pk.dbGenerated]] as const) {
      if (group.length === 0) continue;
      const fields = meta.concreteFields.filter((f) => includePk || !f.primaryKey);
      const returning = !includePk && pk.dbGenerated && db.dialect.returning && !options.ignoreConflicts;
      const perRow = Math.max(1, fields.length);
      const size = Math.max(1, Math.min(options.batchSize ?? Infinity, Math.floor(MAX_PARAMS / perRow)));
      const conv = converters(fields, db.vendor);
      for (const batch of batches(group, size)) {
        const values: unknown[] = [];
        for (const obj of batch) fields.forEach((f, i) => values.push(dbValue(f.preSave(obj, true), conv[i]!)));
        const statement = cached(db, meta, `B${batch.length}x${fields.map((f) => f.attname).join(',')}${returning ? 'R' : ''}${prefix}${conflict}`, () => {
          let n = 0;
          const rows = batch.map(() => `(${fields.map(() => db.dialect.placeholder(++n)).join(', ')})`);
          const columns = fields.length ? `(${fields.map((f) => q(f.column)).join(', ')})` : '';
          const body = fields.length ? `VALUES ${rows.join(', ')}` : db.vendor === 'mysql' ? `VALUES ${batch.map(() => '()').join(', ')}` : 'DEFAULT VALUES';
          return `${prefix} INTO ${q(meta.dbTable)} ${columns} ${body}${conflict}${returning ? ` RETURNING ${q(pk.column)}` : ''}`;
        });
        const result = await db.write(statement, values, returning);
        if (!includePk && pk.dbGenerated && !options.ignoreConflicts) {
          const fromDb = pk.fromDb(db.vendor, db.dialect.mariadb);
          batch.forEach((obj, i) => {
            // MySQL: a multi-row INSERT gets consecutive ids starting at insertId
            const key = returning ? result.rows[i]?.[0] : result.lastInsertId !== undefined ? result.lastInsertId + i : undefined;
            if (key !== undefined) obj[pk.attname] = fromDb ? fromDb(key) : typeof key === 'string' ? Number(key) : key;
          });
        }
        for (const obj of batch) obj[DB] = db;
      }
    }
  });
}

/** Cast for a CASE branch on PostgreSQL, which cannot infer a parameter's type there. */
function castType(field: AnyField, vendor: Vendor): string {
  const t = field.columnType(vendor);
  if (t.type === 'decimal') return `numeric(${t.precision},${t.scale})`;
  return t.type === 'varchar' ? 'varchar' : t.type;
}

/** UPDATE many objects' fields with one statement per batch (`SET f = CASE WHEN pk = … THEN … END`). */
export async function bulkUpdate(model: AnyModel, instances: object[], names: string[], db: Database, options: { batchSize?: number } = {}): Promise<number> {
  const meta = model._meta;
  if (names.length === 0) throw new FieldError('bulkUpdate() needs field names to update.');
  const fields = names.map((name) => {
    const field = meta.fieldMap.get(name);
    if (!field || !field.concrete || field.primaryKey) throw new FieldError(`bulkUpdate() can only update concrete, non-primary-key fields; ${JSON.stringify(name)} is not one of ${meta.label}.`);
    return field;
  });
  const objs = instances as Instance[];
  if (objs.length === 0) return 0;
  for (const obj of objs) {
    if (obj[meta.pk.attname] === null || obj[meta.pk.attname] === undefined) throw new FieldError('All bulkUpdate() objects must have a primary key set.');
    syncForeignKeys(meta, obj, fields);
  }
  const pk = meta.pk;
  const q = db.dialect.quote;
  const perRow = fields.length * 2 + 1;
  const size = Math.max(1, Math.min(options.batchSize ?? Infinity, Math.floor(MAX_PARAMS / perRow)));
  const conv = converters(fields, db.vendor);
  const pkConv = pk.toDb(db.vendor);
  let total = 0;
  await db.atomic(async () => {
    for (const batch of batches(objs, size)) {
      const params: unknown[] = [];
      let n = 0;
      const p = () => db.dialect.placeholder(++n);
      const sets = fields.map((f, fi) => {
        const cases = batch.map((obj) => {
          params.push(dbValue(obj[pk.attname], pkConv), dbValue(f.preSave(obj, false), conv[fi]!));
          const key = p();
          return `WHEN ${q(pk.column)} = ${key} THEN ${db.vendor === 'postgresql' ? `CAST(${p()} AS ${castType(f, db.vendor)})` : p()}`;
        });
        return `${q(f.column)} = CASE ${cases.join(' ')} ELSE ${q(f.column)} END`;
      });
      // the WHEN placeholders above were numbered in order: pk, value, pk, value… per field
      const keys = batch.map((obj) => dbValue(obj[pk.attname], pkConv));
      const inList = keys.map(() => p()).join(', ');
      params.push(...keys);
      const sql = `UPDATE ${q(meta.dbTable)} SET ${sets.join(', ')} WHERE ${q(pk.column)} IN (${inList})`;
      const statement = cached(db, meta, `BU${batch.length}x${fields.map((f) => f.attname).join(',')}`, () => sql);
      const result = await db.write(statement, params, false);
      total += result.rowCount;
    }
  });
  return total;
}
