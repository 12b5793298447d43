import type { Vendor } from '../fields/base';

/** How a lookup's value is prepared before binding (escaping for LIKE/GLOB patterns). */
export type ValuePrep = ((value: unknown) => unknown) | null;

const likeEscape = (value: unknown): string => String(value).replace(/[\\%_]/g, (c) => `\\${c}`);
const globEscape = (value: unknown): string => String(value).replace(/[[*?]/g, (c) => `[${c}]`);

export type PatternLookup = 'contains' | 'icontains' | 'startswith' | 'istartswith' | 'endswith' | 'iendswith' | 'iexact';

const PATTERNS: Record<PatternLookup, (escaped: string, any: string) => string> = {
  iexact: (v) => v,
  contains: (v, any) => `${any}${v}${any}`,
  icontains: (v, any) => `${any}${v}${any}`,
  startswith: (v, any) => `${v}${any}`,
  istartswith: (v, any) => `${v}${any}`,
  endswith: (v, any) => `${any}${v}`,
  iendswith: (v, any) => `${any}${v}`,
};

/** A date/time part extracted for `__year`, `__month`… */
export type DatePart = 'year' | 'month' | 'day' | 'week_day' | 'quarter' | 'hour' | 'minute' | 'date';

/**
 * Everything that differs between SQL dialects: quoting, placeholders,
 * lookups, date parts, LIMIT/OFFSET, locking. Values are never written into
 * SQL here; only placeholders are.
 */
export interface Dialect {
  readonly vendor: Vendor;
  quote(name: string): string;
  /** The n-th (1-based) placeholder. */
  placeholder(n: number): string;
  readonly beginSql: string;
  /** INSERT … RETURNING works (SQLite ≥ 3.35, PostgreSQL, MariaDB ≥ 10.5); set once the server version is known. */
  returning: boolean;
  /** MariaDB rather than MySQL (JSON comes back as text). */
  mariadb: boolean;
  /** `col IN (…)` or, on PostgreSQL, `col = ANY($1)` with one array parameter. */
  readonly arrayParam: boolean;
  /** SQL for a comparison lookup; `rhs` is a placeholder or an expression. */
  compare(lookup: string, lhs: string, rhs: string, isText: boolean): string;
  /** How to bind the value of a pattern lookup. */
  patternPrep(lookup: PatternLookup): ValuePrep;
  regex(lhs: string, rhs: string, insensitive: boolean): string;
  datePart(part: DatePart, lhs: string, isDatetime: boolean): string;
  readonly random: string;
  /** LIMIT/OFFSET with placeholders (`hasLimit`, `hasOffset`); `next()` yields the next placeholder. */
  limitOffset(hasLimit: boolean, hasOffset: boolean, next: () => string): string;
  forUpdate(options: { nowait?: boolean; skipLocked?: boolean; of?: string[] }): string;
  insertDefaultValues(table: string): string;
  /** A literal for DDL (check constraints), never for query values. */
  literal(value: unknown): string;
  /** `AVG(x)` computed in floating point (MySQL would round to 4 decimals, PostgreSQL return a numeric). */
  avg(inner: string, distinct: boolean): string;
}

const quoteWith = (q: string) => (name: string): string => `${q}${name.split(q).join(q + q)}${q}`;

function literal(value: unknown, backslashes: boolean): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`Cannot write ${value} as an SQL literal.`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (value instanceof Date) return literal(value.toISOString(), backslashes);
  const text = String(value);
  const escaped = text.replace(/'/g, "''");
  return `'${backslashes ? escaped.replace(/\\/g, '\\\\') : escaped}'`;
}

function sqlite(): Dialect {
  const parts: Record<DatePart, string> = { year: '%Y', month: '%m', day: '%d', week_day: '%w', quarter: '%m', hour: '%H', minute: '%M', date: '' };
  return {
    vendor: 'sqlite',
    quote: quoteWith('"'),
    placeholder: () => '?',
    beginSql: 'BEGIN IMMEDIATE',
    returning: true,
    mariadb: false,
    arrayParam: false,
    compare(lookup, lhs, rhs) {
      switch (lookup) {
        case 'iexact':
        case 'icontains':
        case 'istartswith':
        case 'iendswith':
          return `${lhs} LIKE ${rhs} ESCAPE '\\'`;
        // SQLite's LIKE ignores case: GLOB keeps the case-sensitive lookups case-sensitive
        case 'contains':
        case 'startswith':
        case 'endswith':
          return `${lhs} GLOB ${rhs}`;
        default:
          return `${lhs} ${OPERATORS[lookup]} ${rhs}`;
      }
    },
    patternPrep(lookup) {
      const make = PATTERNS[lookup];
      if (lookup === 'contains' || lookup === 'startswith' || lookup === 'endswith') return (v) => make(globEscape(v), '*');
      return (v) => make(likeEscape(v), '%');
    },
    regex: (lhs, rhs, insensitive) => `${insensitive ? 'iregexp' : 'regexp'}(${rhs}, ${lhs})`,
    datePart(part, lhs) {
      if (part === 'date') return `date(${lhs})`;
      if (part === 'week_day') return `(CAST(strftime('%w', ${lhs}) AS INTEGER) + 1)`;
      if (part === 'quarter') return `((CAST(strftime('%m', ${lhs}) AS INTEGER) + 2) / 3)`;
      return `CAST(strftime('${parts[part]}', ${lhs}) AS INTEGER)`;
    },
    random: 'RANDOM()',
    limitOffset(hasLimit, hasOffset, next) {
      if (!hasLimit && !hasOffset) return '';
      return ` LIMIT ${hasLimit ? next() : '-1'}${hasOffset ? ` OFFSET ${next()}` : ''}`;
    },
    forUpdate: () => '',
    insertDefaultValues: (table) => `INSERT INTO ${table} DEFAULT VALUES`,
    literal: (v) => literal(v, false),
    avg: (inner, distinct) => `AVG(${distinct ? 'DISTINCT ' : ''}${inner})`,
  };
}

function postgres(): Dialect {
  return {
    vendor: 'postgresql',
    quote: quoteWith('"'),
    placeholder: (n) => `$${n}`,
    beginSql: 'BEGIN',
    returning: true,
    mariadb: false,
    arrayParam: true,
    compare(lookup, lhs, rhs, isText) {
      const text = isText ? lhs : `${lhs}::text`;
      switch (lookup) {
        case 'iexact':
          return `UPPER(${text}) = UPPER(${rhs})`;
        case 'icontains':
        case 'istartswith':
        case 'iendswith':
          return `UPPER(${text}) LIKE UPPER(${rhs})`;
        case 'contains':
        case 'startswith':
        case 'endswith':
          return `${text} LIKE ${rhs}`;
        default:
          return `${lhs} ${OPERATORS[lookup]} ${rhs}`;
      }
    },
    patternPrep(lookup) {
      // iexact compares UPPER() with =, not LIKE: an escaped value would not match itself
      if (lookup === 'iexact') return (v) => String(v);
      const make = PATTERNS[lookup];
      return (v) => make(likeEscape(v), '%');
    },
    regex: (lhs, rhs, insensitive) => `${lhs}::text ${insensitive ? '~*' : '~'} ${rhs}`,
    datePart(part, lhs, isDatetime) {
      const source = isDatetime ? `(${lhs} AT TIME ZONE 'UTC')` : lhs;
      if (part === 'date') return `${source}::date`;
      if (part === 'week_day') return `(EXTRACT(DOW FROM ${source}) + 1)`;
      return `EXTRACT(${part.toUpperCase()} FROM ${source})`;
    },
    random: 'RANDOM()',
    limitOffset(hasLimit, hasOffset, next) {
      return `${hasLimit ? ` LIMIT ${next()}` : ''}${hasOffset ? ` OFFSET ${next()}` : ''}`;
    },
    forUpdate({ nowait, skipLocked, of }) {
      return ` FOR UPDATE${of?.length ? ` OF ${of.join(', ')}` : ''}${nowait ? ' NOWAIT' : skipLocked ? ' SKIP LOCKED' : ''}`;
    },
    insertDefaultValues: (table) => `INSERT INTO ${table} DEFAULT VALUES`,
    literal: (v) => literal(v, false),
    avg: (inner, distinct) => `(AVG(${distinct ? 'DISTINCT ' : ''}${inner}))::float8`,
  };
}

function mysql(): Dialect {
  return {
    vendor: 'mysql',
    quote: quoteWith('`'),
    placeholder: () => '?',
    beginSql: 'START TRANSACTION',
    returning: false,
    mariadb: false,
    arrayParam: false,
    compare(lookup, lhs, rhs) {
      switch (lookup) {
        case 'iexact':
        case 'icontains':
        case 'istartswith':
        case 'iendswith':
          return `${lhs} LIKE ${rhs}`;
        case 'contains':
        case 'startswith':
        case 'endswith':
          return `${lhs} LIKE BINARY ${rhs}`;
        default:
          return `${lhs} ${OPERATORS[lookup]} ${rhs}`;
      }
    },
    patternPrep(lookup) {
      const make = PATTERNS[lookup];
      return (v) => make(likeEscape(v), '%');
    },
    regex: (lhs, rhs, insensitive) => (insensitive ? `${lhs} REGEXP ${rhs}` : `CAST(${lhs} AS BINARY) REGEXP CAST(${rhs} AS BINARY)`),
    datePart(part, lhs) {
      if (part === 'date') return `DATE(${lhs})`;
      if (part === 'week_day') return `DAYOFWEEK(${lhs})`;
      if (part === 'quarter') return `QUARTER(${lhs})`;
      return `EXTRACT(${part.toUpperCase()} FROM ${lhs})`;
    },
    random: 'RAND()',
    limitOffset(hasLimit, hasOffset, next) {
      if (!hasLimit && !hasOffset) return '';
      // MySQL has no OFFSET without LIMIT: the documented idiom is the largest BIGINT UNSIGNED
      return ` LIMIT ${hasLimit ? next() : '18446744073709551615'}${hasOffset ? ` OFFSET ${next()}` : ''}`;
    },
    forUpdate({ nowait, skipLocked, of }) {
      return ` FOR UPDATE${of?.length ? ` OF ${of.join(', ')}` : ''}${nowait ? ' NOWAIT' : skipLocked ? ' SKIP LOCKED' : ''}`;
    },
    insertDefaultValues: (table) => `INSERT INTO ${table} () VALUES ()`,
    literal: (v) => literal(v, true),
    avg: (inner, distinct) => `AVG(${distinct ? 'DISTINCT ' : ''}${inner === '*' ? inner : `(${inner}) * 1.0E0`})`,
  };
}

const OPERATORS: Record<string, string> = { exact: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' };

export function dialectFor(vendor: Vendor, _database?: unknown): Dialect {
  return vendor === 'sqlite' ? sqlite() : vendor === 'postgresql' ? postgres() : mysql();
}
