import type { AnyModel, PrimaryKey } from '../models/types';
import type { FieldOptions } from './base';
import {
  ForeignKey as ForeignKeyField,
  type ForeignKeyOptions,
  ManyToManyField as ManyToManyFieldClass,
  type ManyToManyOptions,
  OneToOneField as OneToOneFieldClass,
} from './related';
import {
  AutoField as AutoFieldClass,
  BigAutoField as BigAutoFieldClass,
  BigIntegerField as BigIntegerFieldClass,
  BooleanField as BooleanFieldClass,
  CharField as CharFieldClass,
  type CharFieldOptions,
  DateField as DateFieldClass,
  type DateFieldOptions,
  DateTimeField as DateTimeFieldClass,
  DecimalField as DecimalFieldClass,
  type DecimalFieldOptions,
  EmailField as EmailFieldClass,
  FloatField as FloatFieldClass,
  IntegerField as IntegerFieldClass,
  JSONField as JSONFieldClass,
  type JsonValue,
  PositiveIntegerField as PositiveIntegerFieldClass,
  SlugField as SlugFieldClass,
  type SlugFieldOptions,
  SmallIntegerField as SmallIntegerFieldClass,
  TextField as TextFieldClass,
  URLField as URLFieldClass,
  UUIDField as UUIDFieldClass,
} from './scalar';

/** `null: true` in the options → the value may be null. */
type NullOf<O> = O extends { null: true } ? true : false;
/** May be omitted on create: nullable, with a default, or set automatically. */
type OptionalOf<O> = O extends { null: true } ? true : O extends { default: unknown } ? true : O extends { autoNow: true } | { autoNowAdd: true } ? true : false;
/** `primaryKey: true` marks the field as the model's primary key. */
type Pk<O, F> = O extends { primaryKey: true } ? PrimaryKey<F> : F;
/** `choices` narrow a text field's type to the choice values. */
type ChoiceOf<O, Base> = O extends { choices: ReadonlyArray<readonly [infer V, string]> } ? V & Base : O extends { choices: Readonly<Record<infer K, string>> } ? K & Base : Base;

/**
 * Field factories, Django-style: `fields.CharField({ maxLength: 200 })`.
 * Options given as literals decide the row type (`null: true` → `T | null`,
 * `choices` → a union of the values).
 */
export const fields = {
  AutoField: <const O extends Omit<FieldOptions<number>, 'null' | 'default'> = {}>(options?: O): PrimaryKey<AutoFieldClass> => new AutoFieldClass(options) as PrimaryKey<AutoFieldClass>,
  BigAutoField: <const O extends Omit<FieldOptions<number>, 'null' | 'default'> = {}>(options?: O): PrimaryKey<BigAutoFieldClass> => new BigAutoFieldClass(options) as PrimaryKey<BigAutoFieldClass>,
  CharField: <const O extends CharFieldOptions<string> = {}>(options?: O): Pk<O, CharFieldClass<ChoiceOf<O, string>, NullOf<O>, OptionalOf<O>>> => new CharFieldClass(options ?? {}) as never,
  TextField: <const O extends FieldOptions<string> = {}>(options?: O): TextFieldClass<ChoiceOf<O, string>, NullOf<O>, OptionalOf<O>> => new TextFieldClass(options ?? {}) as never,
  EmailField: <const O extends CharFieldOptions = {}>(options?: O): Pk<O, EmailFieldClass<NullOf<O>, OptionalOf<O>>> => new EmailFieldClass(options ?? {}) as never,
  SlugField: <const O extends SlugFieldOptions = {}>(options?: O): Pk<O, SlugFieldClass<NullOf<O>, OptionalOf<O>>> => new SlugFieldClass(options ?? {}) as never,
  URLField: <const O extends CharFieldOptions & { schemes?: string[] } = {}>(options?: O): URLFieldClass<NullOf<O>, OptionalOf<O>> => new URLFieldClass(options ?? {}) as never,
  IntegerField: <const O extends FieldOptions<number> = {}>(options?: O): Pk<O, IntegerFieldClass<NullOf<O>, OptionalOf<O>>> => new IntegerFieldClass(options ?? {}) as never,
  SmallIntegerField: <const O extends FieldOptions<number> = {}>(options?: O): SmallIntegerFieldClass<NullOf<O>, OptionalOf<O>> => new SmallIntegerFieldClass(options ?? {}) as never,
  BigIntegerField: <const O extends FieldOptions<number> = {}>(options?: O): Pk<O, BigIntegerFieldClass<NullOf<O>, OptionalOf<O>>> => new BigIntegerFieldClass(options ?? {}) as never,
  PositiveIntegerField: <const O extends FieldOptions<number> = {}>(options?: O): PositiveIntegerFieldClass<NullOf<O>, OptionalOf<O>> => new PositiveIntegerFieldClass(options ?? {}) as never,
  DecimalField: <const O extends DecimalFieldOptions>(options: O): DecimalFieldClass<NullOf<O>, OptionalOf<O>> => new DecimalFieldClass(options) as never,
  FloatField: <const O extends FieldOptions<number> = {}>(options?: O): FloatFieldClass<NullOf<O>, OptionalOf<O>> => new FloatFieldClass(options ?? {}) as never,
  BooleanField: <const O extends FieldOptions<boolean> = {}>(options?: O): BooleanFieldClass<NullOf<O>, OptionalOf<O>> => new BooleanFieldClass(options ?? {}) as never,
  DateField: <const O extends DateFieldOptions<string> = {}>(options?: O): DateFieldClass<NullOf<O>, OptionalOf<O>> => new DateFieldClass(options ?? {}) as never,
  DateTimeField: <const O extends DateFieldOptions<Date> = {}>(options?: O): DateTimeFieldClass<NullOf<O>, OptionalOf<O>> => new DateTimeFieldClass(options ?? {}) as never,
  UUIDField: <const O extends FieldOptions<string> = {}>(options?: O): Pk<O, UUIDFieldClass<NullOf<O>, OptionalOf<O>>> => new UUIDFieldClass(options ?? {}) as never,
  JSONField: jsonField,
  ForeignKey: foreignKey,
  OneToOneField: oneToOne,
  ManyToManyField: manyToMany,
};

/** `JSONField<{ tags: string[] }>({ null: true })`: overloads, since giving the value type stops TypeScript inferring the options. */
function jsonField<T = JsonValue>(options: FieldOptions<T> & { null: true }): JSONFieldClass<T, true, true>;
function jsonField<T = JsonValue>(options: FieldOptions<T> & { default: T | (() => T) }): JSONFieldClass<T, false, true>;
function jsonField<T = JsonValue>(options?: FieldOptions<T>): JSONFieldClass<T, false, false>;
function jsonField<T>(options: FieldOptions<T> = {}): JSONFieldClass<T> {
  return new JSONFieldClass<T>(options);
}

function foreignKey<const O extends ForeignKeyOptions>(to: 'self', options: O): ForeignKeyField<'self', NullOf<O>, true>;
function foreignKey<T extends AnyModel, const O extends ForeignKeyOptions>(to: () => T, options: O): ForeignKeyField<T, NullOf<O>, true>;
function foreignKey<const O extends ForeignKeyOptions>(to: string, options: O): ForeignKeyField<string, NullOf<O>, true>;
function foreignKey(to: (() => AnyModel) | string, options: ForeignKeyOptions): ForeignKeyField {
  return new ForeignKeyField(to, options);
}

function oneToOne<const O extends ForeignKeyOptions>(to: 'self', options: O): OneToOneFieldClass<'self', NullOf<O>, true>;
function oneToOne<T extends AnyModel, const O extends ForeignKeyOptions>(to: () => T, options: O): OneToOneFieldClass<T, NullOf<O>, true>;
function oneToOne<const O extends ForeignKeyOptions>(to: string, options: O): OneToOneFieldClass<string, NullOf<O>, true>;
function oneToOne(to: (() => AnyModel) | string, options: ForeignKeyOptions): OneToOneFieldClass {
  return new OneToOneFieldClass(to, options);
}

function manyToMany(to: 'self', options?: ManyToManyOptions): ManyToManyFieldClass<'self'>;
function manyToMany<T extends AnyModel>(to: () => T, options?: ManyToManyOptions): ManyToManyFieldClass<T>;
function manyToMany(to: string, options?: ManyToManyOptions): ManyToManyFieldClass<string>;
function manyToMany(to: (() => AnyModel) | string, options: ManyToManyOptions = {}): ManyToManyFieldClass {
  return new ManyToManyFieldClass(to, options);
}
