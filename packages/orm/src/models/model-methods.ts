import type { Database } from '../db/database';
import type { DeleteResult } from '../query/deletion';
import type { SaveOptions } from '../query/writes';
import type { AnyModel, FieldPath, FieldsOf, FkKeys, InstanceOf, M2MKeys, PkValue, ReverseRelations, Target } from './types';

type RelatedValue<M extends AnyModel, K extends string, F = FieldsOf<M>> = K extends FkKeys<F>
  ? F[K] extends { __null: infer N } ? (N extends true ? InstanceOf<Target<F[K], M>> | null : InstanceOf<Target<F[K], M>>) : never
  : K extends M2MKeys<F>
    ? Array<InstanceOf<Target<F[K], M>>>
    : M['__label'] extends keyof ReverseRelations
      ? K extends keyof ReverseRelations[M['__label']]
        ? ReverseRelations[M['__label']][K] extends { __reverseOne: infer T extends AnyModel }
          ? InstanceOf<T> | null
          : ReverseRelations[M['__label']][K] extends AnyModel
            ? Array<InstanceOf<ReverseRelations[M['__label']][K]>>
            : unknown
        : unknown
      : unknown;

type ForwardRelation<M extends AnyModel, F = FieldsOf<M>> = FkKeys<F> | M2MKeys<F>;
type ReverseName<M extends AnyModel> = M['__label'] extends keyof ReverseRelations ? keyof ReverseRelations[M['__label']] & string : never;

/** Methods every model instance has (Django's Model methods). */
export interface ModelMethods<M extends AnyModel> {
  /** The primary key value (whatever the field is called). */
  pk: PkValue<M>;
  /** INSERT or UPDATE this object. */
  save(options?: SaveOptions & { updateFields?: ReadonlyArray<FieldPath<M>> }): Promise<void>;
  /** Delete this object (and what its relations' onDelete rules reach). */
  delete(options?: { using?: Database | string }): Promise<DeleteResult>;
  /** Reload fields from the database (all, or the named ones). */
  refreshFromDb(options?: { fields?: ReadonlyArray<FieldPath<M>>; using?: Database | string }): Promise<void>;
  /** Validate every field, then clean(), then unique constraints; throws ValidationError with a per-field dict. */
  fullClean(options?: { exclude?: readonly string[]; validateUnique?: boolean }): Promise<void>;
  /** Convert and validate each field with its validators (the first step of fullClean). */
  cleanFields(exclude?: readonly string[]): void;
  /** Override for cross-field validation; throw ValidationError. */
  clean(): void;
  /** Check unique fields and unique constraints against the database. */
  validateUnique(exclude?: readonly string[]): Promise<void>;
  /**
   * A relation, loading it if needed (one query, cached on the object):
   * `await article.related('author')`, `await author.related('articles')`.
   * Loaded relations are also readable synchronously: `article.author`.
   */
  related<K extends ForwardRelation<M> | ReverseName<M>>(name: K): Promise<RelatedValue<M, K>>;
  /** The database value of a field (a foreign key's id). */
  serializableValue(fieldName: string): unknown;
}
