import type { UploadedFile } from '@manouche/core';
import { BooleanField, NullBooleanField } from './boolean';
import { ChoiceField, type ChoiceFieldOptions, MultipleChoiceField, TypedChoiceField, type TypedChoiceFieldOptions, TypedMultipleChoiceField } from './choice';
import type { FieldOptions } from './field';
import { FileField, type FileFieldOptions, ImageField, type ImageFieldOptions, type UploadedImage } from './file';
import { DecimalField, type DecimalFieldOptions, FloatField, IntegerField, type NumberFieldOptions } from './numbers';
import { DateField, DateTimeField, type DateTimeFieldOptions, DurationField, type TemporalFieldOptions, TimeField } from './temporal';
import {
  CharField,
  type CharFieldOptions,
  EmailField,
  GenericIPAddressField,
  type GenericIPAddressFieldOptions,
  JSONField,
  type JSONFieldOptions,
  type JsonValue,
  RegexField,
  SlugField,
  URLField,
  type URLFieldOptions,
  UUIDField,
} from './text';

/** Whether the options make the field optional (`required: false`, or a boolean that might be false). */
type IsOptional<O> = O extends { required: infer R } ? (false extends R ? true : false) : false;
/** `T` for a required field, `T | E` for an optional one. */
type Opt<O, T, E = null> = IsOptional<O> extends true ? T | E : T;
/** A CharField's value: text, or null when it is optional with `emptyValue: null`. */
type Text<O> = O extends { emptyValue: null } ? Opt<O, string> : string;

type Primitive = string | number | boolean | bigint;
type AsText<V> = V extends null ? '' : `${V & Primitive}`;
type EntryValue<E> = E extends readonly [infer V, infer L]
  ? L extends readonly (readonly [infer SV, unknown])[] ? AsText<SV> : AsText<V>
  : string;
/** The values of a choices declaration, as text: `'draft' | 'published'`; `string` when they are not known statically. */
export type ChoiceValues<C> = C extends readonly (infer E)[]
  ? EntryValue<E>
  : C extends (...args: never[]) => unknown ? string
  : C extends ReadonlyMap<unknown, unknown> ? string
  : C extends Readonly<Record<infer K, unknown>> ? K & string
  : string;
type Chosen<O> = O extends { choices: infer C } ? ChoiceValues<C> : string;

/**
 * Django's form fields as typed factories: the options decide the cleaned
 * value's type (`fields.IntegerField({ required: false })` → `number | null`).
 * The classes are exported under the same names for `instanceof` and subclassing.
 */
export const fields = {
  CharField: <const O extends CharFieldOptions = {}>(options?: O) => new CharField<Text<O>>(options),
  EmailField: <const O extends CharFieldOptions = {}>(options?: O) => new EmailField<Text<O>>(options),
  URLField: <const O extends URLFieldOptions = {}>(options?: O) => new URLField<Text<O>>(options),
  SlugField: <const O extends CharFieldOptions & { allowUnicode?: boolean } = {}>(options?: O) => new SlugField<Text<O>>(options),
  RegexField: <const O extends CharFieldOptions & { regex: RegExp | string; message?: string }>(options: O) => new RegexField<Text<O>>(options),
  UUIDField: <const O extends FieldOptions = {}>(options?: O) => new UUIDField<Opt<O, string>>(options),
  GenericIPAddressField: <const O extends GenericIPAddressFieldOptions = {}>(options?: O) => new GenericIPAddressField<string>(options),
  JSONField: <T = JsonValue, const O extends JSONFieldOptions = {}>(options?: O) => new JSONField<Opt<O, NoInfer<T>>>(options),

  IntegerField: <const O extends NumberFieldOptions = {}>(options?: O) => new IntegerField<Opt<O, number>>(options),
  FloatField: <const O extends NumberFieldOptions = {}>(options?: O) => new FloatField<Opt<O, number>>(options),
  DecimalField: <const O extends DecimalFieldOptions = {}>(options?: O) => new DecimalField<Opt<O, string>>(options),

  BooleanField: (options?: FieldOptions) => new BooleanField(options),
  NullBooleanField: (options?: FieldOptions) => new NullBooleanField(options),

  DateField: <const O extends TemporalFieldOptions = {}>(options?: O) => new DateField<Opt<O, string>>(options),
  TimeField: <const O extends TemporalFieldOptions = {}>(options?: O) => new TimeField<Opt<O, string>>(options),
  DateTimeField: <const O extends DateTimeFieldOptions = {}>(options?: O) => new DateTimeField<Opt<O, Date>>(options),
  DurationField: <const O extends FieldOptions = {}>(options?: O) => new DurationField<Opt<O, number>>(options),

  ChoiceField: <const O extends ChoiceFieldOptions = {}>(options?: O) =>
    new ChoiceField<Opt<O, Exclude<Chosen<O>, ''>, ''>>(options),
  TypedChoiceField: <T, const O extends TypedChoiceFieldOptions<T> = {}>(options: O & { coerce: (value: string) => T }) =>
    new TypedChoiceField<Opt<O, T, O extends { emptyValue: infer E } ? E : ''>>(options),
  MultipleChoiceField: <const O extends ChoiceFieldOptions = {}>(options?: O) => new MultipleChoiceField<Exclude<Chosen<O>, ''>>(options),
  TypedMultipleChoiceField: <T, const O extends ChoiceFieldOptions = {}>(options: O & { coerce: (value: string) => T; emptyValue?: unknown }) =>
    new TypedMultipleChoiceField<T>(options),

  /** `Initial` is the type of an initial (already stored) file the form may keep, e.g. StoredFileRef. */
  FileField: <Initial = never, const O extends FileFieldOptions = {}>(options?: O) => new FileField<Opt<O, UploadedFile | NoInfer<Initial>, null | false>>(options),
  ImageField: <Initial = never, const O extends ImageFieldOptions = {}>(options?: O) => new ImageField<Opt<O, UploadedImage | NoInfer<Initial>, null | false>>(options),
};
