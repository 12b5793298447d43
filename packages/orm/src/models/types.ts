/**
 * Compile-time types: the row type inferred from a model's fields, and the
 * names accepted by filter/orderBy/values, built from template-literal keys
 * (`title__icontains`, `author__name__iexact`). Relations are followed to a
 * bounded depth so the compiler stays fast on large schemas.
 */
import type { AnyField } from '../fields/base';
import type { MultipleObjectsReturned, ObjectDoesNotExist } from '../errors';
import type { Expression } from '../query/expressions';
import type { Manager } from '../query/manager';
import type { QuerySet } from '../query/queryset';
import type { ManyRelatedManager, RelatedManager } from '../query/related-managers';
import type { ModelMeta } from './meta';
import type { ModelMethods } from './model-methods';

export type FieldMap = Record<string, AnyField>;

/** A field declared with `primaryKey: true`. */
export type PrimaryKey<F> = F & { readonly __pk: true };

export type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** A model class, as returned by `defineModel()`. */
export interface ModelClass<F extends FieldMap = any, L extends string = string> {
  new (values?: CreateInput<ModelClass<F, L>>): ModelInstance<ModelClass<F, L>>;
  readonly _meta: ModelMeta;
  readonly objects: Manager<ModelClass<F, L>>;
  /** The model's fields, by name (the automatic `id` included). */
  readonly fields: F;
  readonly DoesNotExist: new (message: string) => ObjectDoesNotExist;
  readonly MultipleObjectsReturned: new (message: string) => MultipleObjectsReturned;
  readonly prototype: ModelInstance<ModelClass<F, L>>;
  /** Compile-time only: the model's label. */
  readonly __label: L;
}

/** Any model class (the constraint every generic takes; kept structural so model types never have to be compared deeply). */
export interface AnyModel {
  new (...args: any[]): any;
  readonly _meta: ModelMeta;
  readonly objects: any;
  readonly fields: any;
  readonly DoesNotExist: new (message: string) => ObjectDoesNotExist;
  readonly MultipleObjectsReturned: new (message: string) => MultipleObjectsReturned;
  readonly __label: string;
}

/**
 * Reverse relations, by model label, for the types of reverse accessors and
 * reverse lookups (a model cannot see relations declared after it). Add
 * yours by declaration merging:
 *
 * ```ts
 * declare module '@manouche/orm' {
 *   interface ReverseRelations { 'news.Author': { articles: typeof Article } }
 * }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface ReverseRelations {}

/** Marks a reverse one-to-one accessor in ReverseRelations: `{ profile: ReverseOne<typeof Profile> }`. */
export interface ReverseOne<M extends AnyModel> {
  readonly __reverseOne: M;
}

export type FieldsOf<M extends AnyModel> = M['fields'];
/** True for `any`: the untyped model (AnyModel) gets loose types instead of deep instantiations. */
type IsAny<T> = 0 extends 1 & T ? true : false;
type Untyped<M extends AnyModel> = IsAny<FieldsOf<M>>;
type Nullable<N, T> = N extends true ? T | null : T;

// ------------------------------------------------------------------ field categories

export type ScalarKeys<F> = { [K in keyof F]: F[K] extends { __kind: 'relation' } ? never : K }[keyof F] & string;
export type FkKeys<F> = { [K in keyof F]: F[K] extends { onDelete: unknown } ? K : never }[keyof F] & string;
export type M2MKeys<F> = { [K in keyof F]: F[K] extends { m2mOptions: unknown } ? K : never }[keyof F] & string;

/** The model a relation field points at, with `'self'` resolved to the model itself. */
export type Target<Fd, M extends AnyModel> = Fd extends { __target: infer T } ? (T extends 'self' ? M : T extends AnyModel ? T : AnyModel) : never;

type PkField<F> = { [K in keyof F]: F[K] extends { __pk: true } ? F[K] : never }[keyof F];
/** The type of a model's primary key value. */
export type PkValue<M extends AnyModel> = PkField<FieldsOf<M>> extends { __value: infer V } ? V : unknown;

type ReverseOf<M extends AnyModel> = M['__label'] extends keyof ReverseRelations ? ReverseRelations[M['__label']] : {};
type ReverseModel<R> = R extends ReverseOne<infer T> ? T : R extends AnyModel ? R : never;

// ------------------------------------------------------------------ instances

type Row<M extends AnyModel, F = FieldsOf<M>> = {
  -readonly [K in ScalarKeys<F>]: F[K] extends { __null: infer N; __value: infer V } ? Nullable<N, V> : never;
} & {
  -readonly [K in FkKeys<F>]: F[K] extends { __null: infer N } ? Nullable<N, InstanceOf<Target<F[K], M>>> : never;
} & {
  -readonly [K in FkKeys<F> as `${K}Id`]: F[K] extends { __null: infer N } ? Nullable<N, PkValue<Target<F[K], M>>> : never;
} & {
  readonly [K in M2MKeys<F>]: ManyRelatedManager<Target<F[K], M>>;
};

type ReverseAccessors<M extends AnyModel, R = ReverseOf<M>> = {
  readonly [K in keyof R]: R[K] extends ReverseOne<infer T> ? InstanceOf<T> | null : R[K] extends AnyModel ? RelatedManager<R[K]> : never;
};

/** A model instance: its fields (FKs as the object and `<name>Id`), accessors and methods. */
export type ModelInstance<M extends AnyModel> = Untyped<M> extends true ? Record<string, any> & ModelMethods<M> : Row<M> & ReverseAccessors<M> & ModelMethods<M>;

/** The instance type of a model: `InstanceOf<typeof Article>`. */
export type InstanceOf<M extends AnyModel> = InstanceType<M>;

/** Names `related()` / selectRelated / prefetchRelated accept at the top level. */
export type RelationName<M extends AnyModel, F = FieldsOf<M>> = Untyped<M> extends true ? string : FkKeys<F> | M2MKeys<F> | (keyof ReverseOf<M> & string);

// ------------------------------------------------------------------ create / update input

type InputOf<Fd> = Fd extends { __kind: 'date' | 'datetime'; __null: infer N } ? Nullable<N, string | Date> : Fd extends { __null: infer N; __value: infer V } ? Nullable<N, V> : never;
type RequiredScalar<F> = { [K in ScalarKeys<F>]: F[K] extends { __optional: true } ? never : K }[ScalarKeys<F>];

/** What `create()` and `new Model()` accept: required fields are those without a default that cannot be null. */
export type CreateInput<M extends AnyModel, F = FieldsOf<M>> = Untyped<M> extends true ? Record<string, unknown> : Simplify<
  { [K in RequiredScalar<F>]: InputOf<F[K]> } & { [K in Exclude<ScalarKeys<F>, RequiredScalar<F>>]?: InputOf<F[K]> } & {
    [K in FkKeys<F>]?: F[K] extends { __null: infer N } ? Nullable<N, InstanceOf<Target<F[K], M>>> : never;
  } & {
    [K in FkKeys<F> as `${K}Id`]?: F[K] extends { __null: infer N } ? Nullable<N, PkValue<Target<F[K], M>>> : never;
  }
>;

/** What `update()` accepts: any concrete field, a value or an F() expression. */
export type UpdateInput<M extends AnyModel, F = FieldsOf<M>> = Untyped<M> extends true ? Record<string, unknown> : Simplify<
  { [K in ScalarKeys<F>]?: InputOf<F[K]> | Expression } & {
    [K in FkKeys<F>]?: F[K] extends { __null: infer N } ? Nullable<N, InstanceOf<Target<F[K], M>>> : never;
  } & {
    [K in FkKeys<F> as `${K}Id`]?: F[K] extends { __null: infer N } ? Nullable<N, PkValue<Target<F[K], M>>> | Expression : never;
  }
>;

// ------------------------------------------------------------------ lookups

type Depth = 0 | 1 | 2;
type Prev = [never, 0, 1];
/** How many relations a typed lookup may cross (`a__b__c__icontains`). */
export type DefaultDepth = 2;

type TextLookup = 'iexact' | 'contains' | 'icontains' | 'startswith' | 'istartswith' | 'endswith' | 'iendswith';
type Compare = 'exact' | 'in' | 'gt' | 'gte' | 'lt' | 'lte' | 'range' | 'isnull';
interface LookupsByKind {
  string: Compare | TextLookup | 'regex' | 'iregex';
  number: Compare;
  decimal: Compare;
  uuid: Compare | 'iexact';
  date: Compare;
  datetime: Compare;
  boolean: 'exact' | 'in' | 'isnull';
  json: 'exact' | 'isnull';
  relation: never;
}
interface TransformsByKind {
  date: 'year' | 'month' | 'day' | 'week_day' | 'quarter';
  datetime: 'year' | 'month' | 'day' | 'week_day' | 'quarter' | 'hour' | 'minute' | 'date';
}
type TransformLookup = 'exact' | 'in' | 'gt' | 'gte' | 'lt' | 'lte' | 'range';

/** Every lookup name, for runtime checks. */
export type LookupName = LookupsByKind[keyof LookupsByKind] | TransformsByKind[keyof TransformsByKind];

type AnyQS = QuerySet<any, any, any>;

type LookupValue<L, T, N> = L extends 'exact'
  ? T | Expression | (N extends true ? null : never)
  : L extends 'in'
    ? readonly T[] | AnyQS
    : L extends 'range'
      ? readonly [T | Expression, T | Expression]
      : L extends 'isnull'
        ? boolean
        : L extends TextLookup | 'regex' | 'iregex'
          ? string
          : T | Expression;

type Entry<K extends string, V> = { k: K; v: V };

type ScalarEntries<K extends string, Fd> = Fd extends { __kind: infer Kd extends keyof LookupsByKind; __null: infer N }
  ?
      | Entry<K, LookupValue<'exact', InputOf<Fd> & {}, N>>
      | { [L in LookupsByKind[Kd]]: Entry<`${K}__${L}`, LookupValue<L, InputOf<Fd> & {}, N>> }[LookupsByKind[Kd]]
      | (Kd extends keyof TransformsByKind ? TransformEntries<K, TransformsByKind[Kd]> : never)
  : never;

type TransformEntries<K extends string, T extends string> = {
  [Tr in T]: {
    [L in TransformLookup]: Entry<L extends 'exact' ? `${K}__${Tr}` | `${K}__${Tr}__exact` : `${K}__${Tr}__${L}`, LookupValue<L, Tr extends 'date' ? string | Date : number, false>>;
  }[TransformLookup];
}[T];

type RelatedValue<T extends AnyModel> = InstanceOf<T> | PkValue<T>;

type Prefix<K extends string, E> = E extends { k: infer S extends string; v: infer V } ? Entry<`${K}__${S}`, V> : never;

type FkEntries<K extends string, Fd, T extends AnyModel, D extends Depth> = Fd extends { __null: infer N }
  ?
      | Entry<K | `${K}__exact`, RelatedValue<T> | Expression | (N extends true ? null : never)>
      | Entry<`${K}Id` | `${K}Id__exact`, PkValue<T> | Expression | (N extends true ? null : never)>
      | Entry<`${K}__in` | `${K}Id__in`, readonly RelatedValue<T>[] | AnyQS>
      | Entry<`${K}__isnull` | `${K}Id__isnull`, boolean>
      | Entry<`${K}Id__gt` | `${K}Id__gte` | `${K}Id__lt` | `${K}Id__lte`, PkValue<T> | Expression>
      | (D extends 0 ? never : Prefix<K, Entries<T, Prev[D]>>)
  : never;

type ManyEntries<K extends string, T extends AnyModel, D extends Depth> =
  | Entry<K | `${K}__exact`, RelatedValue<T>>
  | Entry<`${K}__in`, readonly RelatedValue<T>[] | AnyQS>
  | Entry<`${K}__isnull`, boolean>
  | (D extends 0 ? never : Prefix<K, Entries<T, Prev[D]>>);

type Entries<M extends AnyModel, D extends Depth, F = FieldsOf<M>, R = ReverseOf<M>> =
  | { [K in ScalarKeys<F>]: ScalarEntries<K, F[K]> }[ScalarKeys<F>]
  | { [K in FkKeys<F>]: FkEntries<K, F[K], Target<F[K], M>, D> }[FkKeys<F>]
  | { [K in M2MKeys<F>]: ManyEntries<K, Target<F[K], M>, D> }[M2MKeys<F>]
  | { [K in keyof R & string]: ManyEntries<K, ReverseModel<R[K]>, D> }[keyof R & string]
  | Entry<'pk' | 'pk__exact', PkValue<M> | Expression>
  | Entry<'pk__in', readonly PkValue<M>[] | AnyQS>
  | Entry<'pk__gt' | 'pk__gte' | 'pk__lt' | 'pk__lte', PkValue<M> | Expression>;

type AnnotationEntries<A> = {
  [K in keyof A & string]: A[K] extends number ? Entry<K, number | Expression> | { [L in Exclude<Compare, 'exact'>]: Entry<`${K}__${L}`, LookupValue<L, number, false>> }[Exclude<Compare, 'exact'>] : Entry<K, A[K] | Expression>;
}[keyof A & string];

/** The keyword arguments of `filter()` / `exclude()` / `get()` for a model (plus annotations `A`). */
export type FilterArgs<M extends AnyModel, A = {}> = Untyped<M> extends true
  ? Record<string, unknown>
  : { [E in Entries<M, DefaultDepth> | AnnotationEntries<A> as E['k']]?: E['v'] };

// ------------------------------------------------------------------ paths for orderBy / values

type Paths<M extends AnyModel, D extends Depth, F = FieldsOf<M>, R = ReverseOf<M>> =
  | ScalarKeys<F>
  | FkKeys<F>
  | `${FkKeys<F>}Id`
  | 'pk'
  | (D extends 0
      ? never
      :
          | { [K in FkKeys<F>]: `${K}__${Paths<Target<F[K], M>, Prev[D]>}` }[FkKeys<F>]
          | { [K in M2MKeys<F>]: `${K}__${Paths<Target<F[K], M>, Prev[D]>}` }[M2MKeys<F>]
          | { [K in keyof R & string]: `${K}__${Paths<ReverseModel<R[K]>, Prev[D]>}` }[keyof R & string]);

/** A field path for `values()` / `orderBy()`: `title`, `authorId`, `author__name`. */
export type FieldPath<M extends AnyModel> = Untyped<M> extends true ? string : Paths<M, DefaultDepth>;

/** An `orderBy()` key: a path, `-path` for descending, or `'?'` for random. */
export type OrderKey<M extends AnyModel, A = {}> = FieldPath<M> | `-${FieldPath<M>}` | '?' | (keyof A & string) | `-${keyof A & string}`;

/** The type of the value at a path (`author__name` → string, or null if `author` may be null). */
export type ValueAt<M extends AnyModel, P extends string, F = FieldsOf<M>> = Untyped<M> extends true
  ? any
  : P extends 'pk'
  ? PkValue<M>
  : P extends ScalarKeys<F>
    ? F[P] extends { __null: infer N; __value: infer V } ? Nullable<N, V> : never
    : P extends FkKeys<F>
      ? F[P] extends { __null: infer N } ? Nullable<N, PkValue<Target<F[P], M>>> : never
      : P extends `${infer K extends FkKeys<F>}Id`
        ? F[K] extends { __null: infer N } ? Nullable<N, PkValue<Target<F[K], M>>> : never
        : P extends `${infer H extends FkKeys<F>}__${infer Rest}`
          ? F[H] extends { __null: infer N } ? Nullable<N, ValueAt<Target<F[H], M>, Rest>> : never
          : P extends `${infer H extends M2MKeys<F>}__${infer Rest}`
            ? ValueAt<Target<F[H], M>, Rest> | null
            : P extends `${infer H extends keyof ReverseOf<M> & string}__${infer Rest}`
              ? ValueAt<ReverseModel<ReverseOf<M>[H]>, Rest> | null
              : unknown;

/** The row of `values()` without arguments: every concrete field, foreign keys as `<name>Id`. */
export type ValuesAll<M extends AnyModel, F = FieldsOf<M>> = Untyped<M> extends true ? Record<string, any> : Simplify<
  { [K in ScalarKeys<F>]: ValueAt<M, K> } & { [K in FkKeys<F> as `${K}Id`]: ValueAt<M, K> }
>;

/** The row of `values('a', 'b')`. */
export type ValuesRow<M extends AnyModel, K extends readonly string[], A = {}> = Simplify<{
  [P in K[number]]: P extends keyof A ? A[P] : ValueAt<M, P>;
}>;

/** The tuple of `valuesList('a', 'b')`. */
export type ValuesTuple<M extends AnyModel, K extends readonly string[], A = {}> = { -readonly [I in keyof K]: K[I] extends keyof A ? A[K[I]] : ValueAt<M, K[I] & string> };
