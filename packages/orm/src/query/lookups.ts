import type { LookupKind } from '../fields/base';
import type { DatePart } from './dialect';

const COMPARE = ['exact', 'in', 'gt', 'gte', 'lt', 'lte', 'range', 'isnull'];
const TEXT = ['iexact', 'contains', 'icontains', 'startswith', 'istartswith', 'endswith', 'iendswith', 'regex', 'iregex'];

/** The lookups each kind of field supports (the runtime twin of the compile-time table in models/types.ts). */
export const LOOKUPS: Record<LookupKind, ReadonlySet<string>> = {
  string: new Set([...COMPARE, ...TEXT]),
  number: new Set(COMPARE),
  decimal: new Set(COMPARE),
  uuid: new Set([...COMPARE, 'iexact']),
  date: new Set(COMPARE),
  datetime: new Set(COMPARE),
  boolean: new Set(['exact', 'in', 'isnull']),
  json: new Set(['exact', 'isnull']),
  relation: new Set(['exact', 'in', 'isnull', 'gt', 'gte', 'lt', 'lte']),
};

export const TRANSFORMS: Partial<Record<LookupKind, ReadonlySet<DatePart>>> = {
  date: new Set<DatePart>(['year', 'month', 'day', 'week_day', 'quarter']),
  datetime: new Set<DatePart>(['year', 'month', 'day', 'week_day', 'quarter', 'hour', 'minute', 'date']),
};

/** Lookups allowed after a date transform (`publishedAt__year__gte`). */
export const TRANSFORM_LOOKUPS: ReadonlySet<string> = new Set(['exact', 'in', 'gt', 'gte', 'lt', 'lte', 'range']);

export const ALL_LOOKUP_NAMES: ReadonlySet<string> = new Set([...COMPARE, ...TEXT, 'year', 'month', 'day', 'week_day', 'quarter', 'hour', 'minute', 'date']);

export const PATTERN_LOOKUPS: ReadonlySet<string> = new Set(['iexact', 'contains', 'icontains', 'startswith', 'istartswith', 'endswith', 'iendswith']);
