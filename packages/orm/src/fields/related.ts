import { FieldDoesNotExist, ImproperlyConfiguredError } from '../errors';
import type { ModelMeta } from '../models/meta';
import type { AnyModel } from '../models/types';
import { type ColumnType, type Converter, Field, type FieldOptions, snakeCase, type Vendor } from './base';

/** What happens to rows pointing at a deleted object (Django's on_delete). */
export const CASCADE = 'CASCADE';
export const PROTECT = 'PROTECT';
export const SET_NULL = 'SET_NULL';
export const SET_DEFAULT = 'SET_DEFAULT';
export const RESTRICT = 'RESTRICT';
export const DO_NOTHING = 'DO_NOTHING';
export type OnDelete = typeof CASCADE | typeof PROTECT | typeof SET_NULL | typeof SET_DEFAULT | typeof RESTRICT | typeof DO_NOTHING;
const ON_DELETE: readonly OnDelete[] = [CASCADE, PROTECT, SET_NULL, SET_DEFAULT, RESTRICT, DO_NOTHING];

/** The model a relation points at: a thunk (`() => Author`, so models may refer to each other), `'self'`, or a label (`'news.Author'`). */
export type ModelRef = AnyModel | 'self' | string;
type ModelTarget = (() => AnyModel) | 'self' | string;

export interface ForeignKeyOptions extends FieldOptions<unknown> {
  onDelete: OnDelete;
  /** Name of the reverse accessor on the target (`author.articles`); `'+'` for none. Default: `<model>Set`. */
  relatedName?: string;
  /** Name used for reverse lookups (`Author.objects.filter({ articles__title })`). Default: relatedName, else the model name. */
  relatedQueryName?: string;
  /** Field of the target the column refers to (default: its primary key). */
  toField?: string;
  /** Create a FOREIGN KEY constraint (default true). */
  dbConstraint?: boolean;
}

/** `'Article'` → `'article'`. */
const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

/**
 * A many-to-one relation: the row stores the target's key in `<name>_id`
 * (`author` → attribute `authorId`, column `author_id`), and instances get
 * an `author` accessor for the related object.
 */
export class ForeignKey<M extends ModelRef = ModelRef, N extends boolean = boolean, O extends boolean = boolean> extends Field<unknown, N, 'relation', O> {
  declare readonly __target: M;
  readonly type: string = 'ForeignKey';
  readonly lookupKind = 'relation' as const;
  override readonly isRelation = true;
  readonly manyToOne: boolean = true;
  readonly oneToOne: boolean = false;
  readonly onDelete: OnDelete;
  readonly dbConstraint: boolean;
  private readonly target: ModelTarget;
  private resolved: { model: AnyModel; field: Field } | undefined;

  constructor(to: ModelTarget, options: ForeignKeyOptions) {
    // foreign keys are indexed unless told otherwise (joins and cascades look rows up by them)
    super({ dbIndex: true, ...options });
    if (!ON_DELETE.includes(options?.onDelete)) {
      throw new ImproperlyConfiguredError(`ForeignKey needs onDelete: one of ${ON_DELETE.join(', ')}; got ${JSON.stringify(options?.onDelete)}.`);
    }
    if (options.onDelete === SET_NULL && !options.null) throw new ImproperlyConfiguredError('onDelete SET_NULL needs { null: true } on the field.');
    if (options.onDelete === SET_DEFAULT && options.default === undefined) throw new ImproperlyConfiguredError('onDelete SET_DEFAULT needs a default on the field.');
    this.target = to;
    this.onDelete = options.onDelete;
    this.dbConstraint = options.dbConstraint ?? true;
  }

  declare readonly options: ForeignKeyOptions;

  override contribute(meta: ModelMeta, name: string): void {
    super.contribute(meta, name);
    this.attname = `${name}Id`;
    this.column = this.options.dbColumn ?? `${snakeCase(name)}_id`;
  }

  /** The target's label as written (`'news.Author'`), without resolving it. */
  get targetLabel(): string {
    if (this.target === 'self') return this.meta.label;
    if (typeof this.target === 'string') return this.target.includes('.') ? this.target : `${this.meta.appLabel}.${this.target}`;
    return this.resolve().model._meta.label;
  }

  /** Resolve the target model (lazily, so models can refer to models defined later). */
  resolve(lookup?: (label: string) => AnyModel | undefined): { model: AnyModel; field: Field } {
    if (this.resolved) return this.resolved;
    let model: AnyModel | undefined;
    if (this.target === 'self') model = this.meta.model;
    else if (typeof this.target === 'function') model = this.target();
    else model = lookup?.(this.target.includes('.') ? this.target : `${this.meta.appLabel}.${this.target}`);
    if (!model || !model._meta) {
      throw new ImproperlyConfiguredError(`${this.meta.label}.${this.name} refers to ${typeof this.target === 'string' ? JSON.stringify(this.target) : 'a model'} that is not defined (yet). Define it with defineModel() and make sure its module is imported.`);
    }
    const toField = this.options.toField;
    const field = toField ? model._meta.fieldMap.get(toField) : model._meta.pk;
    if (!field) throw new FieldDoesNotExist(`${this.meta.label}.${this.name}: toField ${JSON.stringify(toField)} is not a field of ${model._meta.label}.`);
    this.resolved = { model, field };
    return this.resolved;
  }

  get relatedModel(): AnyModel {
    return this.resolve().model;
  }

  /** The target field the column stores (the related model's primary key by default). */
  get targetField(): Field {
    return this.resolve().field;
  }

  /** The reverse accessor name, or undefined when `relatedName: '+'`. */
  get relatedName(): string | undefined {
    const name = this.options.relatedName;
    if (name === '+' || name?.endsWith('+')) return undefined;
    return name ?? (this.oneToOne ? lowerFirst(this.meta.modelName) : `${lowerFirst(this.meta.modelName)}Set`);
  }

  /** The name reverse lookups use (`Author.objects.filter({ article__title })`). */
  get relatedQueryName(): string {
    return this.options.relatedQueryName ?? (this.options.relatedName && !this.options.relatedName.endsWith('+') ? this.options.relatedName : lowerFirst(this.meta.modelName));
  }

  override get verboseName(): string {
    return this.options.verboseName ?? super.verboseName;
  }

  override toJs(value: unknown): unknown {
    if (value === null || value === undefined || value === '') return null;
    if (typeof value === 'object' && value !== null && '_meta' in (value.constructor as object)) return (value as Record<string, unknown>)[this.targetField.attname];
    return this.targetField.toJs(value);
  }

  override toDb(vendor: Vendor): Converter {
    return this.targetField.toDb(vendor);
  }

  override fromDb(vendor: Vendor, mariadb: boolean): Converter {
    return this.targetField.fromDb(vendor, mariadb);
  }

  columnType(vendor: Vendor): ColumnType {
    return this.targetField.columnType(vendor);
  }

  protected override deconstructOptions(): Record<string, unknown> {
    const out: Record<string, unknown> = { to: this.targetLabel, onDelete: this.onDelete, ...super.deconstructOptions() };
    if (this.oneToOne) delete out.unique;
    delete out.dbIndex;
    if (this.options.dbIndex === false) out.dbIndex = false;
    if (this.options.relatedName) out.relatedName = this.options.relatedName;
    if (this.options.relatedQueryName) out.relatedQueryName = this.options.relatedQueryName;
    if (this.options.toField) out.toField = this.options.toField;
    if (this.options.dbConstraint === false) out.dbConstraint = false;
    return out;
  }
}

/** A one-to-one relation: a unique ForeignKey whose reverse side is a single object (`user.profile`). */
export class OneToOneField<M extends ModelRef = ModelRef, N extends boolean = boolean, O extends boolean = boolean> extends ForeignKey<M, N, O> {
  override readonly type: string = 'OneToOneField';
  override readonly manyToOne: boolean = false;
  override readonly oneToOne: boolean = true;
  override readonly unique: boolean = true;
}

export interface ManyToManyOptions {
  relatedName?: string;
  relatedQueryName?: string;
  /** An explicit intermediate model with a ForeignKey to each side. */
  through?: (() => AnyModel) | string;
  /** With `through`: the names of its foreign keys to this model and to the target. */
  throughFields?: readonly [string, string];
  /** Table name of the automatic intermediate table. */
  dbTable?: string;
  blank?: boolean;
  verboseName?: string;
  helpText?: string;
}

/**
 * A many-to-many relation through an intermediate table (created for you, or
 * your own model with `through`). Instances get a manager: `article.tags`.
 */
export class ManyToManyField<M extends ModelRef = ModelRef> extends Field<unknown, false, 'relation', true> {
  declare readonly __target: M;
  readonly type: string = 'ManyToManyField';
  readonly lookupKind = 'relation' as const;
  override readonly concrete: boolean = false;
  override readonly isRelation = true;
  readonly m2mOptions: ManyToManyOptions;
  private readonly target: ModelTarget;
  /** Set when relations resolve (see the registry). */
  throughModel: AnyModel | undefined;
  /** The through model's FK to this model, and to the target. */
  sourceFk: ForeignKey | undefined;
  targetFk: ForeignKey | undefined;
  private resolvedModel: AnyModel | undefined;

  constructor(to: ModelTarget, options: ManyToManyOptions = {}) {
    super({ blank: options.blank, verboseName: options.verboseName, helpText: options.helpText });
    this.target = to;
    this.m2mOptions = options;
  }

  get targetLabel(): string {
    if (this.target === 'self') return this.meta.label;
    if (typeof this.target === 'string') return this.target.includes('.') ? this.target : `${this.meta.appLabel}.${this.target}`;
    return this.resolve().model._meta.label;
  }

  resolve(lookup?: (label: string) => AnyModel | undefined): { model: AnyModel } {
    if (!this.resolvedModel) {
      const model = this.target === 'self' ? this.meta.model : typeof this.target === 'function' ? this.target() : lookup?.(this.targetLabel);
      if (!model || !model._meta) throw new ImproperlyConfiguredError(`${this.meta.label}.${this.name} refers to a model that is not defined (yet).`);
      this.resolvedModel = model;
    }
    return { model: this.resolvedModel };
  }

  get relatedModel(): AnyModel {
    return this.resolve().model;
  }

  get isSelfReferential(): boolean {
    return this.relatedModel === this.meta.model;
  }

  get relatedName(): string | undefined {
    const name = this.m2mOptions.relatedName;
    if (name?.endsWith('+')) return undefined;
    // a symmetrical-looking self relation still gets a reverse accessor, named explicitly
    return name ?? `${lowerFirst(this.meta.modelName)}Set`;
  }

  get relatedQueryName(): string {
    return this.m2mOptions.relatedQueryName ?? (this.m2mOptions.relatedName && !this.m2mOptions.relatedName.endsWith('+') ? this.m2mOptions.relatedName : lowerFirst(this.meta.modelName));
  }

  /** Table name of the automatic intermediate table (Django: `<table>_<field>`). */
  get autoThroughTable(): string {
    return this.m2mOptions.dbTable ?? `${this.meta.dbTable}_${snakeCase(this.name)}`;
  }

  get throughRef(): (() => AnyModel) | string | undefined {
    return this.m2mOptions.through;
  }

  columnType(): ColumnType {
    throw new ImproperlyConfiguredError(`${this.meta.label}.${this.name} is a many-to-many relation: it has no column.`);
  }

  override validate(): void {}

  protected override deconstructOptions(): Record<string, unknown> {
    const out: Record<string, unknown> = { to: this.targetLabel };
    const o = this.m2mOptions;
    if (o.relatedName) out.relatedName = o.relatedName;
    if (o.relatedQueryName) out.relatedQueryName = o.relatedQueryName;
    if (o.through) out.through = typeof o.through === 'string' ? o.through : o.through()._meta.label;
    if (o.throughFields) out.throughFields = [...o.throughFields];
    if (o.dbTable) out.dbTable = o.dbTable;
    if (o.blank) out.blank = true;
    return out;
  }
}
