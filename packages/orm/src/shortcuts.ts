import { Http404 } from '@manouche/core';
import type { AnyModel, FilterArgs, InstanceOf } from './models/types';
import { QuerySet } from './query/queryset';

type Source<M extends AnyModel> = M | QuerySet<M, any, any> | { getQueryset(): QuerySet<M, any, any> };

function toQuerySet<M extends AnyModel>(source: Source<M>): QuerySet<M, InstanceOf<M>, {}> {
  if (source instanceof QuerySet) return source as QuerySet<M, InstanceOf<M>, {}>;
  if (typeof (source as { getQueryset?: unknown }).getQueryset === 'function') return (source as { getQueryset(): QuerySet<M, InstanceOf<M>, {}> }).getQueryset();
  return new QuerySet(source as M);
}

/** Django's `get_object_or_404`: the one matching object, or core's Http404 (a 404 response). */
export async function getObjectOr404<M extends AnyModel>(source: Source<M>, lookups: FilterArgs<M> = {} as FilterArgs<M>): Promise<InstanceOf<M>> {
  const qs = toQuerySet(source);
  try {
    return await qs.get(lookups as never);
  } catch (error) {
    if (error instanceof qs.model.DoesNotExist) throw new Http404(`No ${qs.model._meta.modelName} matches the given query.`);
    throw error;
  }
}

/** Django's `get_list_or_404`: the matching objects, or Http404 when there are none. */
export async function getListOr404<M extends AnyModel>(source: Source<M>, lookups: FilterArgs<M> = {} as FilterArgs<M>): Promise<Array<InstanceOf<M>>> {
  const qs = toQuerySet(source);
  const rows = await qs.filter(lookups as never).fetchAll();
  if (rows.length === 0) throw new Http404(`No ${qs.model._meta.verboseNamePlural} match the given query.`);
  return rows;
}
