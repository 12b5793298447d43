import type { Database } from '../db/database';
import { choicesList, FieldError } from '../errors';
import { ForeignKey, ManyToManyField } from '../fields/related';
import type { ModelMeta } from '../models/meta';
import { RELATED } from '../models/symbols';
import type { AnyModel } from '../models/types';
import { QUERY_STATE } from './build';
import { F } from './expressions';
import type { PrefetchSpec, QueryState } from './nodes';
import { QuerySet } from './queryset';

type Obj = Record<string | symbol, unknown>;

/** Key of the temporary annotation carrying the source object's key in a many-to-many prefetch. */
const SOURCE = '_prefetchSource';
const IN_CHUNK = 1000;

function cacheOf(obj: Obj): Record<string, unknown> {
  let cache = obj[RELATED] as Record<string, unknown> | undefined;
  if (!cache) {
    cache = {};
    obj[RELATED] = cache;
  }
  return cache;
}

function store(obj: Obj, name: string, value: unknown, toAttr: string | undefined): void {
  if (toAttr) obj[toAttr] = value;
  else cacheOf(obj)[name] = value;
}

function unique(values: unknown[]): unknown[] {
  return [...new Set(values.filter((v) => v !== null && v !== undefined))];
}

/** The base queryset for related objects: the Prefetch's own, or all of them. */
function baseQuery(model: AnyModel, spec: PrefetchSpec | undefined, db: Database): QuerySet<AnyModel, any, any> {
  const custom = spec?.queryset as QuerySet<AnyModel, any, any> | undefined;
  if (custom) {
    const state = (custom as unknown as { [QUERY_STATE]: QueryState })[QUERY_STATE];
    if (state.model !== model) throw new FieldError(`Prefetch(${JSON.stringify(spec!.path)}) queryset is for ${state.model._meta.label}; it must be for ${model._meta.label}.`);
    return custom.using(db);
  }
  return new QuerySet(model, undefined, db);
}

async function inChunks(keys: unknown[], run: (chunk: unknown[]) => Promise<Obj[]>): Promise<Obj[]> {
  const out: Obj[] = [];
  for (let i = 0; i < keys.length; i += IN_CHUNK) out.push(...(await run(keys.slice(i, i + IN_CHUNK))));
  return out;
}

/** Load one relation for a list of objects of one model, with one query; returns the related objects. */
async function prefetchOne(objects: Obj[], meta: ModelMeta, name: string, spec: PrefetchSpec | undefined, db: Database): Promise<Obj[]> {
  const toAttr = spec?.toAttr;
  const field = meta.fieldMap.get(name);
  if (field instanceof ForeignKey) {
    const target = field.targetField;
    const keys = unique(objects.map((o) => o[field.attname]));
    const related = keys.length ? await inChunks(keys, (chunk) => baseQuery(field.relatedModel, spec, db).filter({ [`${target.name}__in`]: chunk } as never).fetchAll()) : [];
    const byKey = new Map(related.map((r) => [r[target.attname], r]));
    for (const obj of objects) store(obj, name, byKey.get(obj[field.attname]) ?? null, toAttr);
    return related;
  }
  if (field instanceof ManyToManyField) {
    const pk = meta.pk.attname;
    const keys = unique(objects.map((o) => o[pk]));
    const query = field.relatedQueryName;
    const related = keys.length
      ? await inChunks(keys, (chunk) => baseQuery(field.relatedModel, spec, db).filter({ [`${query}__in`]: chunk } as never).annotate({ [SOURCE]: F(query) }).fetchAll())
      : [];
    groupInto(objects, pk, related, name, toAttr);
    return related;
  }
  const reverse = meta.reverseMap.get(name);
  if (reverse && reverse.accessorName === name) {
    const rf = reverse.field;
    if (rf instanceof ForeignKey) {
      const source = rf.targetField.attname;
      const keys = unique(objects.map((o) => o[source]));
      const related = keys.length ? await inChunks(keys, (chunk) => baseQuery(reverse.relatedModel, spec, db).filter({ [`${rf.name}__in`]: chunk } as never).fetchAll()) : [];
      if (reverse.kind === 'o2o') {
        const byKey = new Map(related.map((r) => [r[rf.attname], r]));
        for (const obj of objects) store(obj, name, byKey.get(obj[source]) ?? null, toAttr);
      } else {
        const groups = new Map<unknown, Obj[]>();
        for (const r of related) {
          const list = groups.get(r[rf.attname]);
          if (list) list.push(r);
          else groups.set(r[rf.attname], [r]);
        }
        for (const obj of objects) store(obj, name, groups.get(obj[source]) ?? [], toAttr);
      }
      return related;
    }
    const pk = meta.pk.attname;
    const keys = unique(objects.map((o) => o[pk]));
    const related = keys.length
      ? await inChunks(keys, (chunk) => baseQuery(reverse.relatedModel, spec, db).filter({ [`${rf.name}__in`]: chunk } as never).annotate({ [SOURCE]: F(rf.name) }).fetchAll())
      : [];
    groupInto(objects, pk, related, name, toAttr);
    return related;
  }
  const choices = [...meta.fields.filter((f) => f.isRelation).map((f) => f.name), ...meta.relatedObjects.map((r) => r.accessorName).filter((n): n is string => !!n)];
  throw new FieldError(`Cannot find ${JSON.stringify(name)} on ${meta.label} for prefetchRelated(): it must be a relation or a reverse accessor. ${choicesList(choices)}`);
}

/** Many-to-many: each related row carries its source key (annotated); group them, one object may appear under several sources. */
function groupInto(objects: Obj[], pk: string, related: Obj[], name: string, toAttr: string | undefined): void {
  const groups = new Map<unknown, Obj[]>();
  for (const r of related) {
    const source = r[SOURCE];
    delete r[SOURCE];
    const list = groups.get(source);
    if (list) list.push(r);
    else groups.set(source, [r]);
  }
  for (const obj of objects) store(obj, name, groups.get(obj[pk]) ?? [], toAttr);
}

/**
 * Django's prefetch_related_objects: for each lookup (`tags`,
 * `comments__author`), one query per level loads the related objects of
 * every object at once, then fills each object's cache.
 */
export async function prefetchRelatedObjects(objects: object[], specs: readonly PrefetchSpec[], db: Database): Promise<void> {
  if (objects.length === 0) return;
  const done = new Map<string, Obj[]>();
  for (const spec of specs) {
    const parts = spec.path.split('__');
    let level = objects as Obj[];
    for (let i = 0; i < parts.length; i++) {
      const path = parts.slice(0, i + 1).join('__');
      const last = i === parts.length - 1;
      const already = done.get(path);
      if (already && !last) {
        level = already;
        continue;
      }
      if (level.length === 0) break;
      const byModel = new Map<AnyModel, Obj[]>();
      for (const obj of level) {
        const model = obj.constructor as AnyModel;
        const list = byModel.get(model);
        if (list) list.push(obj);
        else byModel.set(model, [obj]);
      }
      const next: Obj[] = [];
      for (const [model, objs] of byModel) {
        model._meta.apps.ensureReady();
        next.push(...(await prefetchOne(objs, model._meta, parts[i]!, last ? spec : undefined, db)));
      }
      done.set(path, next);
      level = next;
    }
  }
}
