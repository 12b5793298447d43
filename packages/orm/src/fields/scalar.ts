import { randomUUID } from 'node:crypto';
import {
  DecimalValidator,
  EmailValidator,
  MaxLengthValidator,
  ProhibitNullCharactersValidator,
  URLValidator,
  validateSlug,
  validateUnicodeSlug,
  ValidationError,
  type ValidatorLike,
} from '@manouche/core';
import { type ColumnType, type Converter, Field, type FieldOptions, type Vendor } from './base';

const isEmpty = (v: unknown): v is null | undefined | '' => v === null || v === undefined || v === '';

// ---------------------------------------------------------------- integers

const INTEGER_RE = /^\s*[-+]?\d+\s*$/;

/** An integer parameter from a number, a bigint or a string of digits (kept as text beyond 2^53); undefined for anything else. */
export function integerParam(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'bigint') return value;
  if (typeof value === 'string' && INTEGER_RE.test(value)) {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : value.trim();
  }
  return undefined;
}

abstract class IntegerBase<N extends boolean, O extends boolean> extends Field<number, N, 'number', O> {
  readonly lookupKind = 'number' as const;
  constructor(options: FieldOptions<number>) {
    super(options, { invalid: '“%(value)s” value must be an integer.' });
  }
  override toJs(value: unknown): number | null {
    if (isEmpty(value)) return null;
    const n = typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : typeof value === 'string' && INTEGER_RE.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(n)) throw this.error('invalid', { value });
    return n;
  }
  override toDb(): Converter {
    return (v: unknown) => {
      if (typeof v === 'number' && Number.isFinite(v)) return v;
      const param = integerParam(v);
      if (param === undefined) throw this.invalidValue(v, 'an integer');
      return param;
    };
  }
  override fromDb(vendor: Vendor): Converter {
    // mysql2 returns BIGINT beyond 2^53 as a string; keep every integer a number
    return vendor === 'mysql' ? (v: unknown) => (typeof v === 'string' ? Number(v) : v) : null;
  }
}

export class IntegerField<N extends boolean = boolean, O extends boolean = boolean> extends IntegerBase<N, O> {
  readonly type: string = 'IntegerField';
  columnType(vendor: Vendor): ColumnType {
    return { type: vendor === 'mysql' ? 'int' : 'integer' };
  }
}

export class SmallIntegerField<N extends boolean = boolean, O extends boolean = boolean> extends IntegerBase<N, O> {
  readonly type: string = 'SmallIntegerField';
  columnType(): ColumnType {
    return { type: 'smallint' };
  }
}

export class BigIntegerField<N extends boolean = boolean, O extends boolean = boolean> extends IntegerBase<N, O> {
  readonly type: string = 'BigIntegerField';
  columnType(vendor: Vendor): ColumnType {
    return { type: vendor === 'sqlite' ? 'integer' : 'bigint' };
  }
}

export class PositiveIntegerField<N extends boolean = boolean, O extends boolean = boolean> extends IntegerBase<N, O> {
  readonly type: string = 'PositiveIntegerField';
  columnType(vendor: Vendor): ColumnType {
    return { type: vendor === 'mysql' ? 'int' : 'integer' };
  }
  override validate(value: unknown): void {
    super.validate(value);
    if (typeof value === 'number' && value < 0) throw new ValidationError('Ensure this value is greater than or equal to %(limit_value)s.', 'min_value', { limit_value: 0, value });
  }
}

/** An integer primary key the database assigns (Django's AutoField). */
export class AutoField extends IntegerBase<false, true> {
  readonly type: string = 'AutoField';
  constructor(options: Omit<FieldOptions<number>, 'null' | 'default'> = {}) {
    super({ ...options, primaryKey: true, blank: true });
  }
  override get dbGenerated(): boolean {
    return true;
  }
  columnType(vendor: Vendor): ColumnType {
    return { type: vendor === 'mysql' ? 'int' : 'integer' };
  }
  override validate(): void {}
}

/** A 64-bit auto primary key: the default `id`. */
export class BigAutoField extends AutoField {
  override readonly type: string = 'BigAutoField';
  override columnType(vendor: Vendor): ColumnType {
    return { type: vendor === 'sqlite' ? 'integer' : 'bigint' };
  }
}

// ---------------------------------------------------------------- text

export interface CharFieldOptions<T extends string = string> extends FieldOptions<T> {
  maxLength?: number;
  /** Database collation of the column. */
  dbCollation?: string;
}

abstract class TextBase<T extends string, N extends boolean, O extends boolean> extends Field<T, N, 'string', O> {
  readonly lookupKind = 'string' as const;
  override get emptyStringsAllowed(): boolean {
    return true;
  }
  override toJs(value: unknown): T | null {
    if (value === null || value === undefined) return null;
    return (typeof value === 'string' ? value : String(value)) as T;
  }
}

export class CharField<T extends string = string, N extends boolean = boolean, O extends boolean = boolean> extends TextBase<T, N, O> {
  readonly type: string = 'CharField';
  readonly maxLength: number | undefined;
  declare readonly options: CharFieldOptions<T>;

  constructor(options: CharFieldOptions<T> = {}, defaultMaxLength?: number, extraValidators: ValidatorLike<string>[] = []) {
    const maxLength = options.maxLength ?? defaultMaxLength;
    const validators: ValidatorLike<T>[] = [...extraValidators, new ProhibitNullCharactersValidator()];
    if (maxLength !== undefined) validators.push(new MaxLengthValidator(maxLength));
    super({ ...options, validators: [...validators, ...(options.validators ?? [])] });
    this.maxLength = maxLength;
  }
  columnType(vendor: Vendor): ColumnType {
    // PostgreSQL and SQLite accept an unbounded varchar; MySQL needs a length
    if (this.maxLength === undefined) return vendor === 'mysql' ? { type: 'longtext' } : { type: 'varchar' };
    return { type: 'varchar', length: String(this.maxLength) };
  }
  protected override deconstructOptions(): Record<string, unknown> {
    const out = super.deconstructOptions();
    if (this.options.maxLength !== undefined) out.maxLength = this.options.maxLength;
    return out;
  }
}

export class TextField<T extends string = string, N extends boolean = boolean, O extends boolean = boolean> extends TextBase<T, N, O> {
  readonly type: string = 'TextField';
  constructor(options: FieldOptions<T> = {}) {
    super({ ...options, validators: [new ProhibitNullCharactersValidator(), ...(options.validators ?? [])] });
  }
  columnType(vendor: Vendor): ColumnType {
    return { type: vendor === 'mysql' ? 'longtext' : 'text' };
  }
}

export class EmailField<N extends boolean = boolean, O extends boolean = boolean> extends CharField<string, N, O> {
  override readonly type: string = 'EmailField';
  constructor(options: CharFieldOptions = {}) {
    super(options, 254, [new EmailValidator()]);
  }
}

export interface SlugFieldOptions extends CharFieldOptions {
  allowUnicode?: boolean;
}

export class SlugField<N extends boolean = boolean, O extends boolean = boolean> extends CharField<string, N, O> {
  override readonly type: string = 'SlugField';
  readonly allowUnicode: boolean;
  constructor(options: SlugFieldOptions = {}) {
    // slugs are looked up by URL, so they are indexed unless told otherwise (Django's default)
    super({ dbIndex: true, ...options }, 50, [options.allowUnicode ? validateUnicodeSlug : validateSlug]);
    this.allowUnicode = options.allowUnicode ?? false;
  }
  protected override deconstructOptions(): Record<string, unknown> {
    const out = super.deconstructOptions();
    if (this.options.dbIndex === false) out.dbIndex = false;
    else delete out.dbIndex;
    return out;
  }
}

export class URLField<N extends boolean = boolean, O extends boolean = boolean> extends CharField<string, N, O> {
  override readonly type: string = 'URLField';
  constructor(options: CharFieldOptions & { schemes?: string[] } = {}) {
    super(options, 200, [new URLValidator({ schemes: options.schemes })]);
  }
}

// ---------------------------------------------------------------- numbers

export interface DecimalFieldOptions extends FieldOptions<string> {
  maxDigits: number;
  decimalPlaces: number;
}

const DECIMAL_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Exact decimals, as strings (`'12.50'`) so no precision is lost on the way. */
export class DecimalField<N extends boolean = boolean, O extends boolean = boolean> extends Field<string, N, 'decimal', O> {
  readonly type: string = 'DecimalField';
  readonly lookupKind = 'decimal' as const;
  readonly maxDigits: number;
  readonly decimalPlaces: number;

  constructor(options: DecimalFieldOptions) {
    super({ ...options, validators: [new DecimalValidator(options.maxDigits, options.decimalPlaces), ...(options.validators ?? [])] }, {
      invalid: '“%(value)s” value must be a decimal number.',
    });
    this.maxDigits = options.maxDigits;
    this.decimalPlaces = options.decimalPlaces;
  }
  override toJs(value: unknown): string | null {
    if (isEmpty(value)) return null;
    const text = typeof value === 'number' ? (Number.isFinite(value) ? value.toFixed(this.decimalPlaces) : 'NaN') : String(value).trim();
    if (!DECIMAL_RE.test(text)) throw this.error('invalid', { value });
    return text;
  }
  override toDb(): Converter {
    return (v: unknown) => {
      if (typeof v === 'number' && Number.isFinite(v)) return v.toFixed(this.decimalPlaces);
      if (typeof v === 'bigint') return String(v);
      if (typeof v === 'string' && DECIMAL_RE.test(v.trim())) return v.trim();
      throw this.invalidValue(v, 'a decimal number');
    };
  }
  override fromDb(vendor: Vendor): Converter {
    const places = this.decimalPlaces;
    // SQLite keeps decimals as REAL: format back to the declared number of places
    return vendor === 'sqlite' ? (v: unknown) => (typeof v === 'number' ? v.toFixed(places) : v) : null;
  }
  columnType(): ColumnType {
    return { type: 'decimal', precision: this.maxDigits, scale: this.decimalPlaces };
  }
  protected override deconstructOptions(): Record<string, unknown> {
    return { ...super.deconstructOptions(), maxDigits: this.maxDigits, decimalPlaces: this.decimalPlaces };
  }
}

export class FloatField<N extends boolean = boolean, O extends boolean = boolean> extends Field<number, N, 'number', O> {
  readonly type: string = 'FloatField';
  readonly lookupKind = 'number' as const;
  constructor(options: FieldOptions<number> = {}) {
    super(options, { invalid: '“%(value)s” value must be a float.' });
  }
  override toJs(value: unknown): number | null {
    if (isEmpty(value)) return null;
    const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
    if (Number.isNaN(n)) throw this.error('invalid', { value });
    return n;
  }
  override toDb(): Converter {
    return (v: unknown) => {
      if (typeof v === 'number' && Number.isFinite(v)) return v;
      const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
      if (!Number.isFinite(n)) throw this.invalidValue(v, 'a number');
      return n;
    };
  }
  columnType(vendor: Vendor): ColumnType {
    return { type: vendor === 'sqlite' ? 'real' : vendor === 'postgresql' ? 'double precision' : 'double' };
  }
}

export class BooleanField<N extends boolean = boolean, O extends boolean = boolean> extends Field<boolean, N, 'boolean', O> {
  readonly type: string = 'BooleanField';
  readonly lookupKind = 'boolean' as const;
  constructor(options: FieldOptions<boolean> = {}) {
    // a checkbox left unticked is a valid False, so blank is implied (as in Django)
    super({ blank: true, ...options }, {
      invalid: '“%(value)s” value must be either True or False.',
      invalid_nullable: '“%(value)s” value must be either True, False, or None.',
    });
  }
  override toJs(value: unknown): boolean | null {
    if (value === null || value === undefined) {
      if (this.null) return null;
      throw this.error('invalid', { value });
    }
    if (value === true || value === false) return value;
    if (value === 1 || value === '1' || value === 't' || value === 'True' || value === 'true') return true;
    if (value === 0 || value === '0' || value === 'f' || value === 'False' || value === 'false') return false;
    throw this.error(this.null ? 'invalid_nullable' : 'invalid', { value });
  }
  override toDb(vendor: Vendor): Converter {
    return (v: unknown) => {
      const b = typeof v === 'boolean' ? v : this.toJs(v);
      // better-sqlite3 cannot bind booleans
      return vendor === 'sqlite' && b !== null ? Number(b) : b;
    };
  }
  override fromDb(vendor: Vendor): Converter {
    return vendor === 'postgresql' ? null : (v: unknown) => (v === null ? null : v === 1 || v === true || v === '1');
  }
  columnType(vendor: Vendor): ColumnType {
    return vendor === 'mysql' ? { type: 'tinyint', length: '1' } : { type: 'boolean' };
  }
  protected override deconstructOptions(): Record<string, unknown> {
    const out = super.deconstructOptions();
    delete out.blank;
    return out;
  }
}

// ---------------------------------------------------------------- dates

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** 'YYYY-MM-DD' → true when it names a real day. */
function isRealDate(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

export interface DateFieldOptions<T> extends FieldOptions<T> {
  /** Set to now on every save. */
  autoNow?: boolean;
  /** Set to now when the object is first created. */
  autoNowAdd?: boolean;
}

/** A calendar date as `'YYYY-MM-DD'` (no time zone to shift it). */
export class DateField<N extends boolean = boolean, O extends boolean = boolean> extends Field<string, N, 'date', O> {
  readonly type: string = 'DateField';
  readonly lookupKind = 'date' as const;
  readonly autoNow: boolean;
  readonly autoNowAdd: boolean;

  constructor(options: DateFieldOptions<string> = {}) {
    super({ ...options, ...(options.autoNow || options.autoNowAdd ? { editable: false, blank: true } : {}) }, {
      invalid: '“%(value)s” value has an invalid date format. It must be in YYYY-MM-DD format.',
      invalid_date: '“%(value)s” value has the correct format (YYYY-MM-DD) but it is an invalid date.',
    });
    this.autoNow = options.autoNow ?? false;
    this.autoNowAdd = options.autoNowAdd ?? false;
  }
  override toJs(value: unknown): string | null {
    if (isEmpty(value)) return null;
    if (value instanceof Date) {
      if (Number.isNaN(value.getTime())) throw this.error('invalid', { value });
      return value.toISOString().slice(0, 10);
    }
    const text = String(value).trim();
    const m = DATE_RE.exec(text);
    if (!m) throw this.error('invalid', { value });
    if (!isRealDate(Number(m[1]), Number(m[2]), Number(m[3]))) throw this.error('invalid_date', { value });
    return text;
  }
  override preSave(instance: Record<string, unknown>, add: boolean): unknown {
    if (this.autoNow || (this.autoNowAdd && add)) instance[this.attname] = new Date().toISOString().slice(0, 10);
    return instance[this.attname];
  }
  override toDb(): Converter {
    return (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : this.toJs(v));
  }
  columnType(): ColumnType {
    return { type: 'date' };
  }
  protected override deconstructOptions(): Record<string, unknown> {
    const out = super.deconstructOptions();
    if (this.autoNow) out.autoNow = true;
    if (this.autoNowAdd) out.autoNowAdd = true;
    delete out.blank;
    return out;
  }
}

/** SQLite has no datetime type: store UTC as 'YYYY-MM-DD HH:MM:SS.SSS', which sorts and compares as text (TypeORM's format too). */
export function sqliteDatetime(value: Date): string {
  const iso = value.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}

/** The number written with `n` digits from `i`, or NaN. */
function digitsAt(s: string, i: number, n: number): number {
  let v = 0;
  for (let k = i; k < i + n; k++) {
    const c = s.charCodeAt(k) - 48;
    if (c < 0 || c > 9) return NaN;
    v = v * 10 + c;
  }
  return v;
}

function parseSqliteDatetime(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  // the format sqliteDatetime() writes, read by hand: twice as fast as Date's parser, which hydrating 10,000 rows notices
  if (value.length === 23 && value.charCodeAt(10) === 32 && value.charCodeAt(4) === 45 && value.charCodeAt(7) === 45 && value.charCodeAt(13) === 58 && value.charCodeAt(16) === 58 && value.charCodeAt(19) === 46) {
    const year = digitsAt(value, 0, 4);
    const time = Date.UTC(year, digitsAt(value, 5, 2) - 1, digitsAt(value, 8, 2), digitsAt(value, 11, 2), digitsAt(value, 14, 2), digitsAt(value, 17, 2), digitsAt(value, 20, 3));
    // Date.UTC maps years 0–99 to 1900–1999: leave those to the general parser
    if (year >= 100 && !Number.isNaN(time)) return new Date(time);
  }
  return new Date(value.length > 10 ? `${value.slice(0, 10)}T${value.slice(11)}${value.endsWith('Z') ? '' : 'Z'}` : `${value}T00:00:00Z`);
}

/** A point in time, as a `Date`, stored in UTC. */
export class DateTimeField<N extends boolean = boolean, O extends boolean = boolean> extends Field<Date, N, 'datetime', O> {
  readonly type: string = 'DateTimeField';
  readonly lookupKind = 'datetime' as const;
  readonly autoNow: boolean;
  readonly autoNowAdd: boolean;

  constructor(options: DateFieldOptions<Date> = {}) {
    super({ ...options, ...(options.autoNow || options.autoNowAdd ? { editable: false, blank: true } : {}) }, {
      invalid: '“%(value)s” value has an invalid format. It must be in YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ] format.',
      invalid_date: '“%(value)s” value has the correct format (YYYY-MM-DD) but it is an invalid date.',
      invalid_datetime: '“%(value)s” value has the correct format (YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ]) but it is an invalid date/time.',
    });
    this.autoNow = options.autoNow ?? false;
    this.autoNowAdd = options.autoNowAdd ?? false;
  }
  override toJs(value: unknown): Date | null {
    if (isEmpty(value)) return null;
    if (value instanceof Date) {
      if (Number.isNaN(value.getTime())) throw this.error('invalid', { value });
      return value;
    }
    if (typeof value === 'number') return new Date(value);
    const text = String(value).trim();
    const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(text);
    if (!m) throw this.error('invalid', { value });
    if (!isRealDate(Number(m[1]), Number(m[2]), Number(m[3]))) throw this.error('invalid_date', { value });
    if (Number(m[4] ?? 0) > 23 || Number(m[5] ?? 0) > 59 || Number(m[6] ?? 0) > 59) throw this.error('invalid_datetime', { value });
    // a value without a zone is taken as UTC, the zone everything is stored in
    const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}.${(m[7] ?? '0').padEnd(3, '0').slice(0, 3)}${m[8] ? (m[8].length === 5 ? `${m[8].slice(0, 3)}:${m[8].slice(3)}` : m[8]) : 'Z'}`;
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) throw this.error('invalid_datetime', { value });
    return date;
  }
  override preSave(instance: Record<string, unknown>, add: boolean): unknown {
    if (this.autoNow || (this.autoNowAdd && add)) instance[this.attname] = new Date();
    return instance[this.attname];
  }
  override toDb(vendor: Vendor): Converter {
    if (vendor === 'sqlite') return (v: unknown) => (v instanceof Date ? sqliteDatetime(v) : typeof v === 'string' ? sqliteDatetime(this.toJs(v) as Date) : v);
    return (v: unknown) => (typeof v === 'string' ? this.toJs(v) : v);
  }
  override fromDb(vendor: Vendor): Converter {
    return vendor === 'sqlite' ? parseSqliteDatetime : null;
  }
  columnType(vendor: Vendor): ColumnType {
    if (vendor === 'postgresql') return { type: 'timestamp with time zone' };
    if (vendor === 'mysql') return { type: 'datetime', precision: 6 };
    return { type: 'datetime' };
  }
  protected override deconstructOptions(): Record<string, unknown> {
    const out = super.deconstructOptions();
    if (this.autoNow) out.autoNow = true;
    if (this.autoNowAdd) out.autoNowAdd = true;
    delete out.blank;
    return out;
  }
}

// ---------------------------------------------------------------- others

const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

export class UUIDField<N extends boolean = boolean, O extends boolean = boolean> extends Field<string, N, 'uuid', O> {
  readonly type: string = 'UUIDField';
  readonly lookupKind = 'uuid' as const;
  constructor(options: FieldOptions<string> = {}) {
    super(options, { invalid: '“%(value)s” is not a valid UUID.' });
  }
  override toJs(value: unknown): string | null {
    if (isEmpty(value)) return null;
    const text = String(value).trim();
    if (!UUID_RE.test(text)) throw this.error('invalid', { value });
    const hex = text.replace(/-/g, '').toLowerCase();
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  override toDb(): Converter {
    return (v: unknown) => {
      if (typeof v !== 'string' || !UUID_RE.test(v.trim())) throw this.invalidValue(v, 'a UUID');
      return this.toJs(v);
    };
  }
  columnType(vendor: Vendor): ColumnType {
    return vendor === 'postgresql' ? { type: 'uuid' } : { type: 'varchar', length: '36' };
  }
}

/** A random UUID, for `UUIDField({ default: uuid4 })`. */
export const uuid4 = (): string => randomUUID();

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export class JSONField<T = JsonValue, N extends boolean = boolean, O extends boolean = boolean> extends Field<T, N, 'json', O> {
  readonly type: string = 'JSONField';
  readonly lookupKind = 'json' as const;
  constructor(options: FieldOptions<T> = {}) {
    super(options, { invalid: 'Value must be valid JSON.' });
  }
  override toJs(value: unknown): T | null {
    if (value === undefined) return null;
    try {
      JSON.stringify(value);
    } catch {
      throw this.error('invalid', { value });
    }
    return value as T;
  }
  override toDb(): Converter {
    return (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));
  }
  override fromDb(vendor: Vendor, mariadb: boolean): Converter {
    // PostgreSQL's and MySQL's drivers parse JSON columns; SQLite and MariaDB (JSON is LONGTEXT there) return text
    if (vendor === 'sqlite' || (vendor === 'mysql' && mariadb)) return (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
    return null;
  }
  columnType(vendor: Vendor): ColumnType {
    return { type: vendor === 'postgresql' ? 'jsonb' : vendor === 'mysql' ? 'json' : 'text' };
  }
}
