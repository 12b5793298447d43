import type { Database } from '../db/database';
import { resolveDatabase } from '../db/connections';
import { choicesList, FieldError, ImproperlyConfiguredError, MultipleObjectsReturned, ObjectDoesNotExist, RelatedObjectNotLoaded } from '../errors';
import type { AnyField } from '../fields/base';
import { ForeignKey, ManyToManyField } from '../fields/related';
import { checkLazyLoad } from '../query/execute';
import { Collector, type DeleteResult } from '../query/deletion';
import { Manager } from '../query/manager';
import { QuerySet } from '../query/queryset';
import { ManyRelatedManager, RelatedManager } from '../query/related-managers';
import { saveInstance, type SaveOptions } from '../query/writes';
import { ValidationError } from '@manouche/core';
import { Apps, ModelMeta, type ModelOptions, type ReverseRelation } from './meta';
import { DB, IS_MODEL, RELATED, ROWSET } from './symbols';
import type { AnyModel, FieldMap, ModelClass, PrimaryKey, Simplify } from './types';
import type { BigAutoField } from '../fields/scalar';

type Obj = Record<string | symbol, unknown>;

/**
 * A model registry wired for defineModel(): automatic many-to-many tables
 * and reverse accessors. `apps` is the default one; a separate registry
 * holds another set of models under the same labels (tests, tools).
 */
export function createRegistry(): Apps {
  const registry = new Apps();
  registry.onRelation = installReverseAccessor;
  registry.throughFactory = autoThrough;
  return registry;
}

const capfirst = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

function relatedCache(obj: Obj): Record<string, unknown> {
  let cache = obj[RELATED] as Record<string, unknown> | undefined;
  if (!cache) {
    cache = {};
    obj[RELATED] = cache;
  }
  return cache;
}

/**
 * The base of every model class. Instances hold their field values as own
 * properties (foreign keys as `<name>Id`); relations are accessors on the
 * prototype.
 */
export class Model {
  declare static _meta: ModelMeta;
  declare [DB]: Database | undefined;
  declare [RELATED]: Record<string, unknown> | undefined;
  declare [ROWSET]: unknown;

  constructor(values?: Record<string, unknown>) {
    const meta = (this.constructor as AnyModel)._meta;
    const input = values ?? {};
    const self = this as unknown as Obj;
    if (typeof input !== 'object' || Array.isArray(input)) throw new FieldError(`${meta.modelName}() takes an object of field values.`);
    for (const key of Object.keys(input)) {
      const field = meta.fieldMap.get(key);
      if (!field || field instanceof ManyToManyField) {
        throw new FieldError(
          field
            ? `${meta.modelName}(): many-to-many field ${JSON.stringify(key)} cannot be set on creation; use ${key}.set() after saving.`
            : `${meta.modelName}() got an unexpected field ${JSON.stringify(key)}. ${choicesList(meta.concreteFields.flatMap((f) => (f.attname === f.name ? [f.name] : [f.name, f.attname])))}`,
        );
      }
    }
    for (const field of meta.concreteFields) {
      if (field instanceof ForeignKey && field.name in input) {
        setRelated(self, field, input[field.name]);
        continue;
      }
      self[field.attname] = field.attname in input ? input[field.attname] : field.getDefault();
    }
    self[DB] = undefined;
    self[RELATED] ??= undefined;
    self[ROWSET] = undefined;
  }

  get pk(): unknown {
    return (this as unknown as Obj)[(this.constructor as AnyModel)._meta.pk.attname];
  }

  set pk(value: unknown) {
    (this as unknown as Obj)[(this.constructor as AnyModel)._meta.pk.attname] = value;
  }

  save(options: SaveOptions = {}): Promise<void> {
    return saveInstance(this, options);
  }

  async delete(options: { using?: Database | string } = {}): Promise<DeleteResult> {
    const model = this.constructor as AnyModel;
    const meta = model._meta;
    if (this.pk === null || this.pk === undefined) throw new FieldError(`${meta.modelName} object can't be deleted because its ${meta.pk.attname} attribute is set to None.`);
    const collector = new Collector(resolveDatabase(options.using ?? ((this as unknown as Obj)[DB] as Database | undefined)));
    await collector.collectInstances(model, [this]);
    return collector.delete();
  }

  async refreshFromDb(options: { fields?: readonly string[]; using?: Database | string } = {}): Promise<void> {
    const model = this.constructor as AnyModel;
    const meta = model._meta;
    const self = this as unknown as Obj;
    const db = resolveDatabase(options.using ?? (self[DB] as Database | undefined));
    let qs = new QuerySet(model, undefined, db).filter({ pk: this.pk } as never);
    const fields = options.fields?.map((name) => meta.getField(name));
    if (fields) qs = qs.only(...fields.map((f) => f.name));
    const fresh = (await qs.get()) as unknown as Obj;
    for (const field of fields ?? meta.concreteFields) {
      if (!Object.hasOwn(fresh, field.attname)) continue;
      const changed = self[field.attname] !== fresh[field.attname];
      self[field.attname] = fresh[field.attname];
      // a foreign key that moved no longer matches its cached object
      if (changed && field instanceof ForeignKey && self[RELATED]) delete (self[RELATED] as Record<string, unknown>)[field.name];
    }
    self[DB] = db;
  }

  cleanFields(exclude: readonly string[] = []): void {
    const meta = (this.constructor as AnyModel)._meta;
    const self = this as unknown as Obj;
    const errors: Record<string, ValidationError[]> = {};
    for (const field of meta.concreteFields) {
      if (exclude.includes(field.name) || field.dbGenerated || !field.editable) continue;
      const raw = self[field.attname];
      if (field.blank && (raw === null || raw === undefined || raw === '')) continue;
      try {
        self[field.attname] = field.clean(raw);
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        errors[field.name] = error.errorList;
      }
    }
    if (Object.keys(errors).length) throw new ValidationError(errors);
  }

  clean(): void {}

  async validateUnique(exclude: readonly string[] = []): Promise<void> {
    const model = this.constructor as AnyModel;
    const meta = model._meta;
    const self = this as unknown as Obj;
    const errors: Record<string, ValidationError[]> = {};
    const checks: AnyField[][] = [];
    for (const field of meta.concreteFields) if (field.unique && !exclude.includes(field.name) && !field.dbGenerated) checks.push([field]);
    for (const together of [...(meta.options.uniqueTogether ?? []), ...(meta.options.constraints ?? []).flatMap((c) => (c.kind === 'unique' ? [c.fields] : []))]) {
      if (together.some((name) => exclude.includes(name))) continue;
      checks.push(together.map((name) => meta.getField(name)));
    }
    const db = resolveDatabase(self[DB] as Database | undefined);
    for (const fields of checks) {
      const lookups: Record<string, unknown> = {};
      let skip = false;
      for (const f of fields) {
        const value = self[f.attname];
        if (value === null || value === undefined) skip = true;
        lookups[f.attname] = value;
      }
      if (skip) continue;
      let qs = new QuerySet(model, undefined, db).filter(lookups as never);
      if (this.pk !== null && this.pk !== undefined && self[DB] !== undefined) qs = qs.exclude({ pk: this.pk } as never);
      if (!(await qs.exists())) continue;
      const key = fields.length === 1 ? fields[0]!.name : '__all__';
      const labels = fields.map((f) => capfirst(f.verboseName));
      const error = fields.length === 1
        ? new ValidationError('%(model_name)s with this %(field_label)s already exists.', 'unique', { model_name: capfirst(meta.verboseName), field_label: labels[0] })
        : new ValidationError('%(model_name)s with this %(field_labels)s already exists.', 'unique_together', { model_name: capfirst(meta.verboseName), field_labels: `${labels.slice(0, -1).join(', ')} and ${labels[labels.length - 1]}` });
      (errors[key] ??= []).push(error);
    }
    if (Object.keys(errors).length) throw new ValidationError(errors);
  }

  async fullClean(options: { exclude?: readonly string[]; validateUnique?: boolean } = {}): Promise<void> {
    const exclude = options.exclude ?? [];
    const errors: Record<string, ValidationError[]> = {};
    const collect = (error: unknown): void => {
      if (!(error instanceof ValidationError)) throw error;
      error.updateErrorDict(errors);
    };
    try {
      this.cleanFields(exclude);
    } catch (error) {
      collect(error);
    }
    try {
      this.clean();
    } catch (error) {
      collect(error);
    }
    if (options.validateUnique ?? true) {
      // fields that already failed are not checked for uniqueness
      try {
        await this.validateUnique([...exclude, ...Object.keys(errors)]);
      } catch (error) {
        collect(error);
      }
    }
    if (Object.keys(errors).length) throw new ValidationError(errors);
  }

  async related(name: string): Promise<unknown> {
    const model = this.constructor as AnyModel;
    const meta = model._meta;
    meta.apps.ensureReady();
    const self = this as unknown as Obj;
    const cache = self[RELATED] as Record<string, unknown> | undefined;
    if (cache && name in cache) return cache[name];
    const field = meta.fieldMap.get(name);
    const db = self[DB] as Database | undefined;
    if (field instanceof ForeignKey && field.name === name) {
      const key = self[field.attname];
      if (key === null || key === undefined) return null;
      const qs = new QuerySet(field.relatedModel, undefined, db).filter({ [field.targetField.name]: key } as never);
      checkLazyLoad(this, name, () => qs.sql().sql);
      const obj = await qs.get();
      relatedCache(self)[name] = obj;
      return obj;
    }
    const reverse = meta.reverseMap.get(name);
    if (reverse && reverse.kind === 'o2o' && reverse.accessorName === name) {
      const fk = reverse.field as ForeignKey;
      const qs = new QuerySet(reverse.relatedModel, undefined, db).filter({ [fk.attname]: self[fk.targetField.attname] } as never);
      checkLazyLoad(this, name, () => qs.sql().sql);
      const obj = (await qs.first()) ?? null;
      relatedCache(self)[name] = obj;
      return obj;
    }
    const accessor = (self as Record<string, unknown>)[name];
    if (accessor instanceof Manager) {
      const rows = await accessor.all();
      relatedCache(self)[name] = rows;
      return rows;
    }
    const names = [...meta.fields.filter((f) => f.isRelation).map((f) => f.name), ...meta.relatedObjects.map((r) => r.accessorName).filter((n): n is string => !!n)];
    throw new FieldError(`${meta.label} has no relation ${JSON.stringify(name)}. ${choicesList(names)}`);
  }

  serializableValue(fieldName: string): unknown {
    const field = (this.constructor as AnyModel)._meta.getField(fieldName);
    return (this as unknown as Obj)[field.attname];
  }

  toString(): string {
    return `${(this.constructor as AnyModel)._meta.modelName} object (${String(this.pk)})`;
  }
}

Object.defineProperty(Model.prototype, IS_MODEL, { value: true });

function setRelated(obj: Obj, field: ForeignKey, value: unknown): void {
  if (value === null || value === undefined) {
    obj[field.attname] = null;
    relatedCache(obj)[field.name] = null;
    return;
  }
  const model = field.relatedModel;
  if (!(value instanceof (model as unknown as typeof Model))) {
    throw new FieldError(`Cannot assign ${JSON.stringify(value)}: ${field} must be a ${model._meta.label} instance (or set ${field.attname} to its key).`);
  }
  obj[field.attname] = (value as unknown as Obj)[field.targetField.attname] ?? null;
  relatedCache(obj)[field.name] = value;
}

function notLoaded(meta: ModelMeta, name: string, hint: string): never {
  throw new RelatedObjectNotLoaded(`${meta.label}.${name} is not loaded. Use ${hint}, or await obj.related('${name}').`);
}

/** Instance accessors for a model's own relations. */
function installForwardAccessors(model: AnyModel): void {
  const meta = model._meta;
  const proto = (model as unknown as { prototype: object }).prototype;
  for (const field of meta.fields) {
    if (field instanceof ForeignKey) {
      Object.defineProperty(proto, field.name, {
        configurable: true,
        get(this: Obj) {
          const cache = this[RELATED] as Record<string, unknown> | undefined;
          if (cache && field.name in cache) {
            const cached = cache[field.name] as Obj | null;
            // the key was changed by hand since: the cached object is stale
            if (cached === null ? this[field.attname] === null : cached[field.targetField.attname] === this[field.attname]) return cached;
          }
          if (this[field.attname] === null || this[field.attname] === undefined) return null;
          return notLoaded(meta, field.name, `selectRelated('${field.name}') or prefetchRelated('${field.name}')`);
        },
        set(this: Obj, value: unknown) {
          setRelated(this, field, value);
        },
      });
    } else if (field instanceof ManyToManyField) {
      Object.defineProperty(proto, field.name, {
        configurable: true,
        get(this: Obj) {
          meta.apps.ensureReady();
          return new ManyRelatedManager(field.relatedModel, this, field, false, field.name);
        },
      });
    }
  }
}

/** Instance accessors on the target of a relation (`author.articles`), installed when relations resolve. */
function installReverseAccessor(relation: ReverseRelation, target: AnyModel): void {
  const name = relation.accessorName;
  if (name === undefined) return;
  const proto = (target as unknown as { prototype: object }).prototype;
  if (Object.hasOwn(proto, name)) return;
  const field = relation.field;
  if (field instanceof ManyToManyField) {
    Object.defineProperty(proto, name, {
      configurable: true,
      get(this: Obj) {
        return new ManyRelatedManager(relation.relatedModel, this, field, true, name);
      },
    });
    return;
  }
  if (relation.kind === 'o2o') {
    Object.defineProperty(proto, name, {
      configurable: true,
      get(this: Obj) {
        const cache = this[RELATED] as Record<string, unknown> | undefined;
        if (cache && name in cache) return cache[name];
        return notLoaded(target._meta, name, `selectRelated('${name}') or prefetchRelated('${name}')`);
      },
    });
    return;
  }
  Object.defineProperty(proto, name, {
    configurable: true,
    get(this: Obj) {
      return new RelatedManager(relation.relatedModel, this, field as ForeignKey, name);
    },
  });
}


export interface ModelDefinition<F extends FieldMap> {
  fields: F;
  meta?: ModelOptions;
  /** Build the `objects` manager (a Manager subclass for default filters or extra methods). */
  manager?: (model: AnyModel) => Manager<any>;
}

type HasPrimaryKey<F> = true extends { [K in keyof F]: F[K] extends { __pk: true } ? true : false }[keyof F] ? true : false;
/** The fields with the automatic `id` added when none is the primary key. */
export type WithPk<F extends FieldMap> = HasPrimaryKey<F> extends true ? F : Simplify<{ id: PrimaryKey<BigAutoField> } & F>;

const RESERVED = new Set(['pk', 'save', 'delete', 'refreshFromDb', 'fullClean', 'cleanFields', 'clean', 'validateUnique', 'related', 'serializableValue', 'toString', 'constructor', 'objects']);

/**
 * Declare a model: `defineModel('news.Article', { fields: { … }, meta: { … } })`.
 * Returns the model class; its row type is inferred from the fields
 * (`InstanceOf<typeof Article>`).
 */
export function defineModel<const L extends string, F extends FieldMap>(label: L, definition: ModelDefinition<F>, registry?: Apps): ModelClass<WithPk<F>, L> {
  if (!definition || typeof definition !== 'object' || !definition.fields) throw new ImproperlyConfiguredError(`defineModel(${JSON.stringify(label)}) needs { fields: { … } }.`);
  for (const name of Object.keys(definition.fields)) {
    if (RESERVED.has(name)) throw new ImproperlyConfiguredError(`${label}: ${JSON.stringify(name)} is reserved for a model method; choose another field name.`);
  }
  const target = registry ?? apps;
  const meta = new ModelMeta(target, label, definition.fields, definition.meta);
  const modelName = meta.modelName;
  const model = { [modelName]: class extends Model {} }[modelName]!;
  meta.model = model as unknown as AnyModel;
  const statics = model as unknown as Record<string, unknown>;
  statics._meta = meta;
  statics.fields = Object.fromEntries(meta.fields.map((f) => [f.name, f]));
  statics.DoesNotExist = class DoesNotExist extends ObjectDoesNotExist {};
  statics.MultipleObjectsReturned = class extends MultipleObjectsReturned {};
  statics.objects = definition.manager ? definition.manager(model as unknown as AnyModel) : new Manager(model as unknown as AnyModel);
  installForwardAccessors(model as unknown as AnyModel);
  target.register(model as unknown as AnyModel);
  return model as unknown as ModelClass<WithPk<F>, L>;
}

/** The automatic intermediate model of a ManyToManyField (`news.Article_tags` with `article` and `tag`). */
function autoThrough(field: ManyToManyField): AnyModel {
  const source = field.meta.model;
  const target = field.relatedModel;
  const lower = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
  const self = source === target;
  const from = self ? `from${source._meta.modelName}` : lower(source._meta.modelName);
  const to = self ? `to${target._meta.modelName}` : lower(target._meta.modelName);
  const label = `${field.meta.appLabel}.${field.meta.modelName}_${field.name}`;
  const through = defineModel(label, {
    fields: {
      [from]: new ForeignKey(() => source, { onDelete: 'CASCADE', relatedName: `${label.replace('.', '_')}_${from}+`, relatedQueryName: `${lower(field.meta.modelName)}_${field.name}_${from}` }),
      [to]: new ForeignKey(() => target, { onDelete: 'CASCADE', relatedName: `${label.replace('.', '_')}_${to}+`, relatedQueryName: `${lower(field.meta.modelName)}_${field.name}_${to}` }),
    },
    meta: { dbTable: field.autoThroughTable, uniqueTogether: [[from, to]] },
  }, field.meta.apps);
  through._meta.autoCreated = true;
  return through;
}

/** The registry of every model defined with defineModel() (Django's `apps`). */
export const apps = createRegistry();
