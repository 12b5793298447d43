import { runValidators, ValidationError, type ValidatorLike } from '@manouche/core';
import type { ModelMeta } from '../models/meta';

/** The database families the ORM speaks (Django's `connection.vendor`). */
export type Vendor = 'sqlite' | 'postgresql' | 'mysql';

/** Which family of lookups a field supports, and how values convert. */
export type LookupKind = 'string' | 'number' | 'decimal' | 'boolean' | 'date' | 'datetime' | 'uuid' | 'json' | 'relation';

/** A column's type for TypeORM's QueryRunner (`TableColumnOptions`). */
export interface ColumnType {
  type: string;
  length?: string;
  precision?: number;
  scale?: number;
}

/** `[[value, label], …]` (Django's choices) or `{ value: label }` for string values. */
export type Choices<T> = ReadonlyArray<readonly [T, string]> | (T extends string ? Readonly<Record<T, string>> : never);

export interface FieldOptions<T> {
  /** Store NULL for a missing value; the row type becomes `T | null`. */
  null?: boolean;
  /** Allow an empty value in validation (forms, `fullClean()`). */
  blank?: boolean;
  /** A value, or a function called for each new object. */
  default?: T | (() => T);
  unique?: boolean;
  dbIndex?: boolean;
  primaryKey?: boolean;
  choices?: Choices<T>;
  verboseName?: string;
  helpText?: string;
  /** Run by `fullClean()` and by model forms. */
  validators?: ReadonlyArray<ValidatorLike<T>>;
  /** The column name (default: the field name in snake_case). */
  dbColumn?: string;
  /** False hides the field from model forms and skips its validation. */
  editable?: boolean;
  errorMessages?: Record<string, string>;
}

/** Converts one value between JavaScript and a driver; `null` when no conversion is needed. */
export type Converter = ((value: any) => unknown) | null;

const BASE_MESSAGES: Record<string, string> = {
  invalid_choice: 'Value %(value)r is not a valid choice.',
  null: 'This field cannot be null.',
  blank: 'This field cannot be blank.',
  unique: '%(model_name)s with this %(field_label)s already exists.',
};

/** `publishedAt` → `published_at`. */
export function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z])([A-Z][a-z])/g, '$1_$2').toLowerCase();
}

/** `publishedAt` → `published at` (Django's default verbose_name). */
export function verboseNameOf(name: string): string {
  return snakeCase(name).replace(/_/g, ' ').trim();
}

const EMPTY_VALUES: readonly unknown[] = [null, undefined, ''];

/**
 * A model field. The type parameters are compile-time only: `T` the value
 * type, `N` whether it may be null, `K` the lookups it supports, `O` whether
 * it may be omitted on create (it has a default, is nullable, or is automatic).
 */
export abstract class Field<T = unknown, N extends boolean = boolean, K extends LookupKind = LookupKind, O extends boolean = boolean> {
  declare readonly __value: T;
  declare readonly __null: N;
  declare readonly __kind: K;
  declare readonly __optional: O;

  /** The field's class name, used in migrations and errors (`CharField`). */
  abstract readonly type: string;
  abstract readonly lookupKind: K;
  /** Set by defineModel. */
  name = '';
  attname = '';
  column = '';
  meta!: ModelMeta;

  readonly options: FieldOptions<T>;
  readonly null: boolean;
  readonly blank: boolean;
  readonly unique: boolean;
  readonly dbIndex: boolean;
  primaryKey: boolean;
  readonly editable: boolean;
  readonly choices: ReadonlyArray<readonly [T, string]> | undefined;
  readonly validators: ReadonlyArray<ValidatorLike<T>>;
  readonly helpText: string;
  /** True for fields with a column in this model's table. */
  readonly concrete: boolean = true;
  readonly isRelation: boolean = false;
  /** Set for the automatic `id` primary key. */
  autoCreated = false;
  protected readonly messages: Record<string, string>;

  constructor(options: FieldOptions<T> = {}, extraMessages: Record<string, string> = {}) {
    this.options = options;
    this.null = options.null ?? false;
    this.primaryKey = options.primaryKey ?? false;
    this.blank = options.blank ?? false;
    this.unique = (options.unique ?? false) || this.primaryKey;
    this.dbIndex = options.dbIndex ?? false;
    this.editable = options.editable ?? true;
    this.helpText = options.helpText ?? '';
    this.validators = [...(options.validators ?? [])];
    const choices = options.choices;
    this.choices = choices === undefined ? undefined : Array.isArray(choices) ? (choices as ReadonlyArray<readonly [T, string]>) : (Object.entries(choices) as unknown as ReadonlyArray<readonly [T, string]>);
    this.messages = { ...BASE_MESSAGES, ...extraMessages, ...options.errorMessages };
  }

  get verboseName(): string {
    return this.options.verboseName ?? verboseNameOf(this.name);
  }

  /** Called once by defineModel. */
  contribute(meta: ModelMeta, name: string): void {
    this.meta = meta;
    this.name = name;
    this.attname = name;
    this.column = this.options.dbColumn ?? snakeCase(name);
  }

  hasDefault(): boolean {
    return this.options.default !== undefined;
  }

  /** The value a new object gets when none is given (Django's `get_default()`). */
  getDefault(): T | null {
    const d = this.options.default;
    if (d !== undefined) return typeof d === 'function' ? (d as () => T)() : d;
    if (!this.null && this.emptyStringsAllowed) return '' as T;
    return null;
  }

  /** Whether '' is a valid stored value (text fields), so the default for a non-null field is ''. */
  get emptyStringsAllowed(): boolean {
    return false;
  }

  /** Database-generated on insert (auto primary keys). */
  get dbGenerated(): boolean {
    return false;
  }

  /** Convert input (a form string, a number…) to the field's value type, or raise ValidationError('invalid'). */
  toJs(value: unknown): T | null {
    return value as T | null;
  }

  /** The value to store just before saving: `autoNow` fields override it. */
  preSave(instance: Record<string, unknown>, _add: boolean): unknown {
    return instance[this.attname];
  }

  /** JavaScript value → driver parameter for this vendor (null: pass it as is). */
  toDb(_vendor: Vendor): Converter {
    return null;
  }

  /** Driver value → JavaScript value for this vendor (null: use it as is). */
  fromDb(_vendor: Vendor, _mariadb: boolean): Converter {
    return null;
  }

  abstract columnType(vendor: Vendor): ColumnType;

  /**
   * A lookup or saved value that is not of this field's type (Django's "Field
   * 'views' expected a number but got 'x'"): refused before it reaches the
   * database, where MySQL would read '1 OR 1=1' as the number 1.
   */
  invalidValue(value: unknown, expected: string): ValidationError {
    return new ValidationError('Field “%(field)s” expected %(expected)s but got %(value)r.', 'invalid', { field: this.name, expected, value });
  }

  error(code: string, params: Record<string, unknown> = {}): ValidationError {
    return new ValidationError(this.messages[code] ?? code, code, params);
  }

  /** Django's `Field.validate()`: choices, null and blank. */
  validate(value: unknown): void {
    if (!this.editable) return;
    if (this.choices && !EMPTY_VALUES.includes(value as never) && !this.choices.some(([v]) => v === value)) {
      throw this.error('invalid_choice', { value });
    }
    if ((value === null || value === undefined) && !this.null) throw this.error('null');
    if (!this.blank && EMPTY_VALUES.includes(value as never)) throw this.error('blank');
  }

  runValidators(value: unknown): void {
    if (EMPTY_VALUES.includes(value as never) || this.validators.length === 0) return;
    runValidators(this.validators as ReadonlyArray<ValidatorLike<unknown>>, value);
  }

  /** Convert, validate, run validators; returns the cleaned value (Django's `Field.clean()`). */
  clean(value: unknown): T | null {
    const converted = this.toJs(value);
    this.validate(converted);
    this.runValidators(converted);
    return converted;
  }

  /** The options that matter to the database and to migrations, for `deconstruct()`. */
  protected deconstructOptions(): Record<string, unknown> {
    const o = this.options;
    const out: Record<string, unknown> = {};
    if (this.primaryKey && !this.autoCreated) out.primaryKey = true;
    if (o.null) out.null = true;
    if (o.blank) out.blank = true;
    if (o.unique && !this.primaryKey) out.unique = true;
    if (o.dbIndex) out.dbIndex = true;
    if (o.dbColumn) out.dbColumn = o.dbColumn;
    if (o.default !== undefined && typeof o.default !== 'function') out.default = o.default instanceof Date ? o.default.toISOString() : o.default;
    if (this.choices) out.choices = this.choices.map(([v, l]) => [v, l]);
    return out;
  }

  /** `{ type, options }`: how migrations store this field (serialisable, no functions). */
  deconstruct(): { type: string; options: Record<string, unknown> } {
    return { type: this.type, options: this.deconstructOptions() };
  }

  toString(): string {
    return this.meta ? `${this.meta.label}.${this.name}` : `<${this.type}>`;
  }
}

export type AnyField = Field<any, boolean, LookupKind, boolean>;
