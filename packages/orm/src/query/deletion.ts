import type { Database } from '../db/database';
import { ProtectedError, RestrictedError } from '../errors';
import { ForeignKey } from '../fields/related';
import { DB } from '../models/symbols';
import type { AnyModel } from '../models/types';
import { postDelete, preDelete } from '../signals';
import { bind, fetch, prepare, type Prepared } from './execute';
import { JoinRequired } from './compiler';
import { initialState, type QueryState } from './nodes';
import { buildGroup } from './build';
import { QuerySet } from './queryset';

/** `[total rows deleted, { 'app.Model': rows }]`, like Django's delete(). */
export type DeleteResult = [number, Record<string, number>];

const CHUNK = 1000;

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

function filtered(model: AnyModel, lookups: Record<string, unknown>): QueryState {
  const args: unknown[] = [];
  const group = buildGroup(model._meta, lookups, args, 1);
  return { ...initialState(model), where: { t: 'g', conn: 'AND', neg: false, children: [group], seq: 0 }, args, seq: 1, order: [] };
}

function pkState(state: QueryState): QueryState {
  return { ...state, values: { kind: 'flat', fields: ['pk'] }, order: [], related: [], prefetch: [], annotations: state.annotations, shape: undefined };
}

function hasSignals(model: AnyModel): boolean {
  return preDelete.hasListeners(model) || postDelete.hasListeners(model);
}

/**
 * Django's deletion Collector: finds everything a delete reaches through
 * foreign keys and applies each one's onDelete rule — CASCADE collects the
 * related rows, PROTECT and RESTRICT refuse (before anything is deleted),
 * SET_NULL / SET_DEFAULT update them — then deletes children before parents
 * in one transaction, with preDelete/postDelete signals.
 */
export class Collector {
  /** Rows to delete per model: primary key → the instance, when one is needed (signals). */
  private readonly data = new Map<AnyModel, Map<unknown, object | null>>();
  private readonly fastDeletes: Array<{ model: AnyModel; state: QueryState }> = [];
  private readonly fieldUpdates: Array<{ model: AnyModel; field: ForeignKey; value: unknown; keys: unknown[] }> = [];
  private readonly restricted: Array<{ model: AnyModel; field: ForeignKey; keys: unknown[] }> = [];
  /** model → models it must be deleted before (rows pointing at it). */
  private readonly order: AnyModel[] = [];

  constructor(private readonly db: Database) {}

  /** Collect the rows of a query. */
  async collectQuery(model: AnyModel, state: QueryState): Promise<void> {
    if (state.none) return;
    if (hasSignals(model)) {
      const instances = (await fetch(this.db, { ...state, values: null, order: [], related: [], prefetch: [], shape: undefined })) as object[];
      await this.collect(model, instances.map((o) => [(o as Record<string, unknown>)[model._meta.pk.attname], o]));
      return;
    }
    const keys = (await fetch(this.db, pkState(state))) as unknown[];
    await this.collect(model, keys.map((k) => [k, null]));
  }

  /** Collect given instances (Model.delete()). */
  async collectInstances(model: AnyModel, instances: object[]): Promise<void> {
    await this.collect(model, instances.map((o) => [(o as Record<string, unknown>)[model._meta.pk.attname], o]));
  }

  private async collect(model: AnyModel, rows: Array<[unknown, object | null]>): Promise<void> {
    let known = this.data.get(model);
    if (!known) {
      known = new Map();
      this.data.set(model, known);
    }
    const added: unknown[] = [];
    for (const [key, instance] of rows) {
      if (known.has(key)) continue;
      known.set(key, instance);
      added.push(key);
    }
    if (!this.order.includes(model)) this.order.push(model);
    if (added.length === 0) return;
    const meta = model._meta;
    meta.apps.ensureReady();
    for (const relation of meta.relatedObjects) {
      const field = relation.field;
      if (!(field instanceof ForeignKey)) continue;
      const related = relation.relatedModel;
      const targetAttname = field.targetField.attname;
      // the related rows point at the target field's values (usually the primary key)
      const targetValues = targetAttname === meta.pk.attname ? added : await this.targetValues(model, added, targetAttname);
      if (targetValues.length === 0) continue;
      switch (field.onDelete) {
        case 'DO_NOTHING':
          break;
        case 'CASCADE':
          await this.cascade(related, field, targetValues);
          break;
        case 'PROTECT': {
          const found = await this.relatedObjects(related, field, targetValues, 10);
          if (found.length) {
            throw new ProtectedError(
              `Cannot delete some instances of model ${JSON.stringify(meta.modelName)} because they are referenced through protected foreign keys: '${related._meta.modelName}.${field.name}'.`,
              found,
            );
          }
          break;
        }
        case 'RESTRICT':
          this.restricted.push({ model: related, field, keys: targetValues });
          break;
        case 'SET_NULL':
          this.fieldUpdates.push({ model: related, field, value: null, keys: targetValues });
          break;
        case 'SET_DEFAULT':
          this.fieldUpdates.push({ model: related, field, value: field.getDefault(), keys: targetValues });
          break;
      }
    }
  }

  private async targetValues(model: AnyModel, keys: unknown[], attname: string): Promise<unknown[]> {
    const out: unknown[] = [];
    for (const chunk of chunks(keys)) {
      const state = { ...filtered(model, { pk__in: chunk }), values: { kind: 'flat' as const, fields: [attname] } };
      out.push(...((await fetch(this.db, state)) as unknown[]).filter((v) => v !== null));
    }
    return out;
  }

  /** Related rows can be deleted with one DELETE, without loading them, when nothing else depends on them. */
  private canFastDelete(model: AnyModel): boolean {
    if (hasSignals(model)) return false;
    model._meta.apps.ensureReady();
    return model._meta.relatedObjects.every((r) => r.field instanceof ForeignKey && r.field.onDelete === 'DO_NOTHING');
  }

  private async cascade(related: AnyModel, field: ForeignKey, keys: unknown[]): Promise<void> {
    if (this.canFastDelete(related)) {
      for (const chunk of chunks(keys)) this.fastDeletes.push({ model: related, state: filtered(related, { [`${field.name}__in`]: chunk }) });
      if (!this.order.includes(related)) this.order.push(related);
      return;
    }
    for (const chunk of chunks(keys)) {
      const state = filtered(related, { [`${field.name}__in`]: chunk });
      if (hasSignals(related)) {
        const instances = (await fetch(this.db, state)) as object[];
        await this.collect(related, instances.map((o) => [(o as Record<string, unknown>)[related._meta.pk.attname], o]));
      } else {
        const relatedKeys = (await fetch(this.db, pkState(state))) as unknown[];
        await this.collect(related, relatedKeys.map((k) => [k, null]));
      }
    }
  }

  private async relatedObjects(related: AnyModel, field: ForeignKey, keys: unknown[], limit: number): Promise<object[]> {
    const out: object[] = [];
    for (const chunk of chunks(keys)) {
      if (out.length >= limit) break;
      out.push(...((await fetch(this.db, { ...filtered(related, { [`${field.name}__in`]: chunk }), high: limit })) as object[]));
    }
    return out.slice(0, limit);
  }

  /** A RESTRICT-protected row may only go when it is itself being deleted through some CASCADE path. */
  private async enforceRestricted(): Promise<void> {
    for (const { model, field, keys } of this.restricted) {
      const deleting = new Set(this.data.get(model)?.keys() ?? []);
      // rows removed by a fast delete (a CASCADE not loaded row by row) are being deleted too
      for (const fast of this.fastDeletes) {
        if (fast.model !== model) continue;
        for (const key of (await fetch(this.db, pkState(fast.state))) as unknown[]) deleting.add(key);
      }
      const blocking: object[] = [];
      for (const chunk of chunks(keys)) {
        const rows = (await fetch(this.db, filtered(model, { [`${field.name}__in`]: chunk }))) as Array<Record<string, unknown>>;
        for (const row of rows) if (!deleting.has(row[model._meta.pk.attname])) blocking.push(row);
      }
      if (blocking.length) {
        throw new RestrictedError(
          `Cannot delete some instances of model ${JSON.stringify(field.targetField.meta.modelName)} because they are referenced through restricted foreign keys: '${model._meta.modelName}.${field.name}'.`,
          blocking,
        );
      }
    }
  }

  private async runDelete(model: AnyModel, state: QueryState): Promise<number> {
    try {
      const prepared = prepare<Prepared>(this.db, state, 'D', (c) => c.compileDelete());
      return (await this.db.write(prepared.statement, bind(prepared, state.args, 0, null), false)).rowCount;
    } catch (error) {
      if (!(error instanceof JoinRequired)) throw error;
    }
    const keys = (await fetch(this.db, pkState(state))) as unknown[];
    let total = 0;
    for (const chunk of chunks(keys)) total += await this.runDelete(model, filtered(model, { pk__in: chunk }));
    return total;
  }

  /**
   * Keys in batches safe to delete in order. MySQL checks foreign keys row by
   * row (it cannot defer them), so rows of a self-referencing model (a reply
   * pointing at its parent) go leaves first.
   */
  private async deleteBatches(model: AnyModel, keys: unknown[]): Promise<unknown[][]> {
    const selfKeys = model._meta.foreignKeys.filter((f) => f.relatedModel === model && f.dbConstraint);
    if (this.db.vendor !== 'mysql' || selfKeys.length === 0) return chunks(keys);
    const pk = model._meta.pk.attname;
    const parents = new Map<unknown, unknown[]>();
    for (const chunk of chunks(keys)) {
      const state = { ...filtered(model, { pk__in: chunk }), values: { kind: 'list' as const, fields: [pk, ...selfKeys.map((f) => f.attname)] } };
      for (const row of (await fetch(this.db, state)) as unknown[][]) parents.set(row[0], row.slice(1));
    }
    const remaining = new Set(keys);
    const batches: unknown[][] = [];
    while (remaining.size) {
      const referenced = new Set<unknown>();
      for (const key of remaining) for (const parent of parents.get(key) ?? []) if (parent !== key && remaining.has(parent)) referenced.add(parent);
      const leaves = [...remaining].filter((k) => !referenced.has(k));
      // a cycle cannot be ordered: delete what is left together and let the database decide
      const batch = leaves.length ? leaves : [...remaining];
      for (const k of batch) remaining.delete(k);
      batches.push(...chunks(batch));
    }
    return batches;
  }

  /** Models in delete order: rows pointing at a model go before it. */
  private sorted(): AnyModel[] {
    const models = [...this.order];
    const dependsOn = (a: AnyModel, b: AnyModel): boolean => a !== b && a._meta.foreignKeys.some((f) => f.relatedModel === b);
    const out: AnyModel[] = [];
    const pending = new Set(models);
    while (pending.size) {
      // a model is ready when no pending model points at it
      const ready = [...pending].find((m) => ![...pending].some((other) => dependsOn(other, m)));
      const next = ready ?? pending.values().next().value!;
      out.push(next);
      pending.delete(next);
    }
    return out;
  }

  /** Delete everything collected, in one transaction. */
  async delete(): Promise<DeleteResult> {
    const counts: Record<string, number> = {};
    let total = 0;
    // models with nothing deleted are left out (Django ≥ 3.1)
    const count = (model: AnyModel, n: number): void => {
      if (n === 0) return;
      counts[model._meta.label] = (counts[model._meta.label] ?? 0) + n;
      total += n;
    };
    await this.db.atomic(async () => {
      await this.enforceRestricted();
      for (const [model, rows] of this.data) {
        if (!preDelete.hasListeners(model)) continue;
        for (const instance of rows.values()) if (instance) await preDelete.send(model, { sender: model, instance, using: this.db, origin: this });
      }
      for (const { model, state } of this.fastDeletes) count(model, await this.runDelete(model, state));
      for (const { model, field, value, keys } of this.fieldUpdates) {
        for (const chunk of chunks(keys)) {
          await new QuerySet(model, filtered(model, { [`${field.name}__in`]: chunk }), this.db).update({ [field.attname]: value } as never);
        }
      }
      for (const model of this.sorted()) {
        const rows = this.data.get(model);
        if (!rows || rows.size === 0) continue;
        for (const chunk of await this.deleteBatches(model, [...rows.keys()])) count(model, await this.runDelete(model, filtered(model, { pk__in: chunk })));
      }
      for (const [model, rows] of this.data) {
        const pk = model._meta.pk.attname;
        for (const instance of rows.values()) {
          if (!instance) continue;
          if (postDelete.hasListeners(model)) await postDelete.send(model, { sender: model, instance, using: this.db, origin: this });
        }
        // deleted objects become unsaved, like Django setting pk to None
        for (const instance of rows.values()) {
          if (!instance) continue;
          (instance as Record<string | symbol, unknown>)[pk] = null;
          (instance as Record<string | symbol, unknown>)[DB] = undefined;
        }
      }
    });
    return [total, counts];
  }
}
