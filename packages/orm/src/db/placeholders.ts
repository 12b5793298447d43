import { FieldError } from '../errors';
import type { Dialect } from '../query/dialect';

/**
 * Django's raw-SQL parameter style: `%s` for each parameter and `%%` for a
 * literal percent sign, turned into the backend's own placeholders. Values
 * are never interpolated: they stay bound parameters. SQL without `%s` is
 * passed as written (so native `?` / `$1` placeholders also work).
 */
export function formatPlaceholders(sql: string, params: readonly unknown[], dialect: Dialect): string {
  if (typeof sql !== 'string') throw new FieldError(`Raw SQL must be a string; got ${typeof sql}.`);
  if (!Array.isArray(params)) throw new FieldError('Raw SQL parameters must be an array (use %s placeholders).');
  if (!sql.includes('%s')) return sql;
  let n = 0;
  const out = sql.replace(/%%|%s/g, (token) => (token === '%%' ? '%' : dialect.placeholder(++n)));
  if (n !== params.length) throw new FieldError(`The SQL has ${n} %s placeholder(s) but ${params.length} parameter(s) were given.`);
  return out;
}
