import { choicesList, FieldDoesNotExist, ImproperlyConfiguredError } from '../errors';
import { type AnyField, verboseNameOf } from '../fields/base';
import { ForeignKey, ManyToManyField } from '../fields/related';
import { BigAutoField } from '../fields/scalar';
import type { Q } from '../query/q';
import type { AnyModel } from './types';

export interface IndexDefinition {
  /** Field names; a leading `-` makes that column descending. */
  fields: readonly string[];
  name?: string;
  unique?: boolean;
}

export interface UniqueConstraintDefinition {
  kind: 'unique';
  fields: readonly string[];
  name: string;
}

export interface CheckConstraintDefinition {
  kind: 'check';
  /** A Q object over this model's fields (values are inlined into the DDL as literals). */
  check: Q<any>;
  name: string;
}

export type ConstraintDefinition = UniqueConstraintDefinition | CheckConstraintDefinition;

export interface ModelOptions {
  /** Table name (default `<app>_<model>` in lower case). */
  dbTable?: string;
  /** Default ordering: `['-publishedAt', 'title']`. */
  ordering?: readonly string[];
  indexes?: readonly IndexDefinition[];
  /** Sets of fields that must be unique together. */
  uniqueTogether?: ReadonlyArray<readonly string[]>;
  /** UniqueConstraint / CheckConstraint objects. */
  constraints?: readonly ConstraintDefinition[];
  verboseName?: string;
  verboseNamePlural?: string;
  /** Field for `latest()` / `earliest()`. */
  getLatestBy?: string;
  /** False: migrations leave the table alone (a view, a legacy table). */
  managed?: boolean;
}

/** `UniqueConstraint({ fields: ['author', 'slug'], name: 'unique_slug_per_author' })`. */
export function UniqueConstraint(options: { fields: readonly string[]; name: string }): UniqueConstraintDefinition {
  return { kind: 'unique', fields: options.fields, name: options.name };
}

/** `CheckConstraint({ check: Q({ price__gte: 0 }), name: 'price_not_negative' })`. */
export function CheckConstraint(options: { check: Q<any>; name: string }): CheckConstraintDefinition {
  return { kind: 'check', check: options.check, name: options.name };
}

export function Index(options: IndexDefinition): IndexDefinition {
  return options;
}

/** The reverse side of a relation, seen from its target (`author.articles`). */
export interface ReverseRelation {
  /** The forward field (on the other model). */
  field: ForeignKey | ManyToManyField;
  /** The model holding the forward field. */
  relatedModel: AnyModel;
  /** Accessor on instances (`articles`), or undefined when hidden with `'+'`. */
  accessorName: string | undefined;
  /** Name in lookups (`articles__title`). */
  queryName: string;
  kind: 'fk' | 'o2o' | 'm2m';
}

/** A model's description (Django's `_meta`): fields, table, ordering, relations. */
export class ModelMeta {
  readonly label: string;
  readonly appLabel: string;
  readonly modelName: string;
  readonly labelLower: string;
  readonly dbTable: string;
  readonly ordering: readonly string[];
  readonly options: ModelOptions;
  /** Forward fields in declaration order (the primary key first when automatic). */
  readonly fields: AnyField[] = [];
  /** Fields with a column, in column order. */
  readonly concreteFields: AnyField[] = [];
  readonly manyToMany: ManyToManyField[] = [];
  readonly fieldMap = new Map<string, AnyField>();
  readonly relatedObjects: ReverseRelation[] = [];
  readonly reverseMap = new Map<string, ReverseRelation>();
  pk!: AnyField;
  model!: AnyModel;
  /** True for the intermediate models Manouche creates for many-to-many fields. */
  autoCreated = false;
  /** Per database (by id): compiled statements keyed by query shape. */
  readonly compiled: Array<Map<string, unknown> | undefined> = [];
  relationsResolved = false;

  constructor(readonly apps: Apps, label: string, fields: Record<string, AnyField>, options: ModelOptions = {}) {
    const dot = label.indexOf('.');
    if (dot <= 0 || dot === label.length - 1 || label.indexOf('.', dot + 1) !== -1 || !/^[A-Za-z_][\w]*\.[A-Za-z_][\w]*$/.test(label)) {
      throw new ImproperlyConfiguredError(`A model label is "<app>.<Model>" (like "news.Article"); got ${JSON.stringify(label)}.`);
    }
    this.label = label;
    this.appLabel = label.slice(0, dot);
    this.modelName = label.slice(dot + 1);
    this.labelLower = label.toLowerCase();
    this.options = options;
    this.dbTable = options.dbTable ?? `${this.appLabel}_${this.modelName}`.toLowerCase();
    this.ordering = options.ordering ?? [];
    const declared = Object.entries(fields);
    if (!declared.some(([, f]) => f.primaryKey)) {
      if (fields.id) throw new ImproperlyConfiguredError(`${label}: a field named "id" must be the primary key ({ primaryKey: true }), since the automatic primary key is called id.`);
      const id = new BigAutoField();
      id.autoCreated = true;
      declared.unshift(['id', id]);
    } else if (declared.filter(([, f]) => f.primaryKey).length > 1) {
      throw new ImproperlyConfiguredError(`${label} has more than one primary key: ${declared.filter(([, f]) => f.primaryKey).map(([n]) => n).join(', ')}.`);
    }
    for (const [name, field] of declared) {
      if (!/^[A-Za-z_]\w*$/.test(name) || name.includes('__')) {
        throw new ImproperlyConfiguredError(`${label}: field name ${JSON.stringify(name)} must be an identifier without "__" (which separates lookups).`);
      }
      if (field.meta) throw new ImproperlyConfiguredError(`${label}.${name}: this field object already belongs to ${field.meta.label}.${field.name}; create a new one per model.`);
      field.contribute(this, name);
      this.fields.push(field);
      this.fieldMap.set(name, field);
      if (field.attname !== name) {
        if (fields[field.attname]) throw new ImproperlyConfiguredError(`${label}: field ${JSON.stringify(field.attname)} clashes with the column attribute of relation ${JSON.stringify(name)}.`);
        this.fieldMap.set(field.attname, field);
      }
      if (field.concrete) this.concreteFields.push(field);
      if (field instanceof ManyToManyField) this.manyToMany.push(field);
      if (field.primaryKey) this.pk = field;
    }
  }

  get verboseName(): string {
    return this.options.verboseName ?? verboseNameOf(this.modelName);
  }

  get verboseNamePlural(): string {
    return this.options.verboseNamePlural ?? `${this.verboseName}s`;
  }

  get managed(): boolean {
    return this.options.managed ?? true;
  }

  /** A forward field by name or attname (`author` or `authorId`), or FieldDoesNotExist listing the choices. */
  getField(name: string): AnyField {
    const field = this.fieldMap.get(name);
    if (field) return field;
    throw new FieldDoesNotExist(`${this.label} has no field named ${JSON.stringify(name)}. ${choicesList(this.fieldMap.keys())}`);
  }

  /** Every name usable in a lookup: fields, column attributes, reverse relations. */
  lookupNames(): string[] {
    return [...this.fieldMap.keys(), ...this.reverseMap.keys()];
  }

  /** Fields holding foreign keys (ForeignKey and OneToOneField). */
  get foreignKeys(): ForeignKey[] {
    return this.concreteFields.filter((f): f is ForeignKey => f instanceof ForeignKey);
  }

  /** Compiled-statement cache for one database. */
  cacheFor(dbId: number): Map<string, unknown> {
    let cache = this.compiled[dbId];
    if (!cache) {
      cache = new Map();
      this.compiled[dbId] = cache;
    }
    return cache;
  }

  toString(): string {
    return this.label;
  }
}

/** Builds the intermediate model of an automatic many-to-many table. */
export type ThroughFactory = (field: ManyToManyField) => AnyModel;

/**
 * A registry of models (Django's `apps`): looks models up by label and
 * resolves relations once every model is defined, wiring reverse accessors.
 */
export class Apps {
  private readonly models = new Map<string, AnyModel>();
  private pending = false;
  /** Called for each newly resolved relation, to install instance accessors. */
  onRelation: ((relation: ReverseRelation, target: AnyModel) => void) | undefined;
  throughFactory: ThroughFactory | undefined;

  register(model: AnyModel): void {
    const key = model._meta.labelLower;
    if (this.models.has(key)) {
      throw new ImproperlyConfiguredError(`Model ${model._meta.label} is already registered. Each label is defined once (check for a module imported twice under two paths).`);
    }
    this.models.set(key, model);
    this.pending = true;
  }

  unregister(label: string): void {
    this.models.delete(label.toLowerCase());
  }

  getModel(label: string): AnyModel {
    this.ensureReady();
    const model = this.models.get(label.toLowerCase());
    if (!model) throw new ImproperlyConfiguredError(`No model ${JSON.stringify(label)} is registered. ${choicesList([...this.models.values()].map((m) => m._meta.label))}`);
    return model;
  }

  find(label: string): AnyModel | undefined {
    return this.models.get(label.toLowerCase());
  }

  all(): AnyModel[] {
    this.ensureReady();
    return [...this.models.values()];
  }

  /** Resolve every relation not resolved yet (cheap when nothing is pending). */
  ensureReady(): void {
    if (!this.pending) return;
    this.pending = false;
    const lookup = (label: string): AnyModel | undefined => this.find(label);
    // many-to-many first: their automatic intermediate models add foreign keys of their own
    for (const model of [...this.models.values()]) {
      const meta = model._meta;
      for (const field of meta.manyToMany) this.resolveManyToMany(field, lookup);
    }
    for (const model of [...this.models.values()]) {
      const meta = model._meta;
      if (meta.relationsResolved) continue;
      meta.relationsResolved = true;
      for (const field of meta.fields) {
        if (field instanceof ForeignKey) {
          const target = field.resolve(lookup).model;
          this.addReverse(target, { field, relatedModel: model, accessorName: field.relatedName, queryName: field.relatedQueryName, kind: field.oneToOne ? 'o2o' : 'fk' });
        } else if (field instanceof ManyToManyField) {
          const target = field.resolve(lookup).model;
          this.addReverse(target, { field, relatedModel: model, accessorName: field.relatedName, queryName: field.relatedQueryName, kind: 'm2m' });
        }
      }
    }
    // resolving may have registered intermediate models
    if (this.pending) this.ensureReady();
  }

  private resolveManyToMany(field: ManyToManyField, lookup: (label: string) => AnyModel | undefined): void {
    if (field.throughModel) return;
    const target = field.resolve(lookup).model;
    const source = field.meta.model;
    const through = field.throughRef;
    let throughModel: AnyModel;
    if (through) {
      const found = typeof through === 'function' ? through() : lookup(through.includes('.') ? through : `${field.meta.appLabel}.${through}`);
      if (!found) throw new ImproperlyConfiguredError(`${field}: the through model ${JSON.stringify(through)} is not defined.`);
      throughModel = found;
    } else {
      if (!this.throughFactory) throw new ImproperlyConfiguredError(`${field}: no factory for automatic intermediate models.`);
      throughModel = this.throughFactory(field);
    }
    const fks = throughModel._meta.fields.filter((f): f is ForeignKey => f instanceof ForeignKey);
    // the automatic table of a self relation has fromX/toX columns
    const named = field.m2mOptions.throughFields ?? (!through && source === target ? [`from${source._meta.modelName}`, `to${target._meta.modelName}`] : undefined);
    const pick = (name: string | undefined, model: AnyModel, skip?: ForeignKey): ForeignKey => {
      const candidates = name ? fks.filter((f) => f.name === name) : fks.filter((f) => f !== skip && f.resolve(lookup).model === model);
      if (candidates.length !== 1) {
        throw new ImproperlyConfiguredError(`${field}: the intermediate model ${throughModel._meta.label} needs exactly one ForeignKey to ${model._meta.label}${name ? ` named ${JSON.stringify(name)}` : ''} (found ${candidates.length}); use throughFields: [source, target].`);
      }
      return candidates[0]!;
    };
    field.sourceFk = pick(named?.[0], source);
    field.targetFk = pick(named?.[1], target, source === target ? field.sourceFk : undefined);
    field.throughModel = throughModel;
  }

  private addReverse(target: AnyModel, relation: ReverseRelation): void {
    const meta = target._meta;
    if (meta.relatedObjects.some((r) => r.field === relation.field)) return;
    for (const name of new Set([relation.queryName, relation.accessorName])) {
      if (name === undefined) continue;
      if (meta.fieldMap.has(name)) {
        throw new ImproperlyConfiguredError(`Reverse ${name === relation.accessorName ? 'accessor' : 'query name'} ${JSON.stringify(name)} for ${relation.field} clashes with field ${meta.label}.${name}. Give the relation a relatedName.`);
      }
      const existing = meta.reverseMap.get(name);
      if (existing && existing.field !== relation.field) {
        throw new ImproperlyConfiguredError(`Reverse name ${JSON.stringify(name)} for ${relation.field} clashes with ${existing.field} on ${meta.label}. Give one of them a relatedName.`);
      }
      meta.reverseMap.set(name, relation);
    }
    meta.relatedObjects.push(relation);
    this.onRelation?.(relation, target);
  }
}
