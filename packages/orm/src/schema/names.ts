import { createHash } from 'node:crypto';

/** Longest identifier every backend accepts (PostgreSQL: 63, MySQL: 64). */
const MAX_NAME = 63;

/**
 * A deterministic constraint/index name, Django-style: `<table>_<columns>_<suffix>`,
 * shortened with a hash when too long. The same model state always gives the
 * same names, so later migrations can drop exactly what earlier ones created.
 */
export function constraintName(table: string, columns: readonly string[], suffix: string): string {
  const full = [table, ...columns, suffix].join('_');
  if (full.length <= MAX_NAME) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  return `${full.slice(0, MAX_NAME - suffix.length - 10)}_${hash}_${suffix}`;
}

export const primaryKeyName = (table: string): string => constraintName(table, [], 'pkey');
