/**
 * The cheap primary-key lookup behind `Model.objects.get({ pk })`: one
 * query state per model, built once, so a lookup binds the key and runs the
 * prepared statement without building a QuerySet (Drizzle's prepared query,
 * Django's `get()` semantics).
 */
import { resolveDatabase } from '../db/connections';
import type { ObjectDoesNotExist } from '../errors';
import type { AnyModel, InstanceOf } from '../models/types';
import { buildGroup } from './build';
import { bind, selectPrepared } from './execute';
import { initialState, type QueryState } from './nodes';

const templates = new WeakMap<AnyModel, QueryState>();

function template(model: AnyModel): QueryState {
  let state = templates.get(model);
  if (!state) {
    const args: unknown[] = [];
    const group = buildGroup(model._meta, { pk: 0 }, args, 1);
    state = { ...initialState(model), where: { t: 'g', conn: 'AND', neg: false, children: [group], seq: 0 }, args, seq: 1, order: [] };
    templates.set(model, state);
  }
  return state;
}

/** The key when `lookups` is exactly `{ pk: key }` (or the pk field's name, or `__exact`) with a plain value; else undefined. */
export function pkOnly(model: AnyModel, lookups: unknown): string | number | bigint | undefined {
  if (lookups === null || typeof lookups !== 'object' || Object.getPrototypeOf(lookups) !== Object.prototype) return undefined;
  let key: string | undefined;
  for (const k in lookups) {
    if (key !== undefined) return undefined;
    key = k;
  }
  if (key === undefined) return undefined;
  const pk = model._meta.pk.name;
  if (key !== 'pk' && key !== pk && key !== 'pk__exact' && key !== `${pk}__exact`) return undefined;
  const value = (lookups as Record<string, unknown>)[key];
  return typeof value === 'number' || typeof value === 'string' || typeof value === 'bigint' ? value : undefined;
}

/** `get({ pk: key })` on the default QuerySet of `model`: the object, or Model.DoesNotExist. */
export function getByPk<M extends AnyModel>(model: M, key: string | number | bigint): Promise<InstanceOf<M>> {
  try {
    const db = resolveDatabase();
    const state = template(model);
    const prepared = selectPrepared(db, state);
    const rows = db.selectRows(prepared.statement, bind(prepared, [key], 0, null));
    const done = (list: unknown[][]): InstanceOf<M> => {
      if (list.length === 1) return prepared.hydrate(list, db, prepared.statement.sql)[0] as InstanceOf<M>;
      throw new (model.DoesNotExist as new (m: string) => ObjectDoesNotExist)(`${model._meta.modelName} matching query does not exist.`);
    };
    return rows instanceof Promise ? rows.then(done) : Promise.resolve(done(rows));
  } catch (error) {
    return Promise.reject(error);
  }
}
