import { ImproperlyConfiguredError } from '../errors';
import type { AnyField } from '../fields/base';
import { ForeignKey, ManyToManyField, OneToOneField } from '../fields/related';
import * as scalar from '../fields/scalar';
import { Apps, type ConstraintDefinition, type IndexDefinition, ModelMeta, type ModelOptions } from '../models/meta';
import type { AnyModel } from '../models/types';
import { QObject } from '../query/q';
import { constraintName as constraintNameFor } from '../schema/names';

/** A field as migrations store it: its class name and its database-relevant options. */
export interface FieldState {
  type: string;
  options: Record<string, unknown>;
}

/** A Q object as JSON: `{ connector, negated, children: [[key, value] | QState] }`. */
export interface QState {
  connector: 'AND' | 'OR';
  negated: boolean;
  children: Array<[string, unknown] | QState>;
}

export type ConstraintState = { kind: 'unique'; name: string; fields: string[] } | { kind: 'check'; name: string; check: QState };

export interface ModelStateOptions {
  dbTable?: string;
  ordering?: string[];
  indexes?: IndexDefinition[];
  uniqueTogether?: string[][];
  constraints?: ConstraintState[];
  managed?: boolean;
  verboseName?: string;
  verboseNamePlural?: string;
}

/** A model as migrations see it (Django's ModelState): plain data, no class. */
export interface ModelState {
  app: string;
  name: string;
  fields: Record<string, FieldState>;
  options: ModelStateOptions;
}

export function qToState(q: QObject<any>): QState {
  return {
    connector: q.connector,
    negated: q.negated,
    children: q.children.map((c) => (c instanceof QObject ? qToState(c) : [c[0], c[1]] as [string, unknown])),
  };
}

export function qFromState(state: QState): QObject<any> {
  return new QObject(state.connector, state.negated, state.children.map((c) => (Array.isArray(c) ? ([c[0], c[1]] as const) : qFromState(c))));
}

/** The state of a defined model. */
export function modelStateOf(model: AnyModel): ModelState {
  const meta = model._meta;
  const fields: Record<string, FieldState> = {};
  for (const field of meta.fields) {
    const { type, options } = field.deconstruct();
    fields[field.name] = { type, options: field.primaryKey ? { ...options, primaryKey: true } : options };
  }
  const o = meta.options;
  const options: ModelStateOptions = {};
  if (o.dbTable) options.dbTable = o.dbTable;
  if (o.ordering?.length) options.ordering = [...o.ordering];
  if (o.indexes?.length) options.indexes = o.indexes.map((i) => ({ fields: [...i.fields], name: i.name ?? defaultIndexName(meta, i), ...(i.unique ? { unique: true } : {}) }));
  if (o.uniqueTogether?.length) options.uniqueTogether = o.uniqueTogether.map((u) => [...u]);
  if (o.constraints?.length) options.constraints = o.constraints.map(constraintToState);
  if (o.managed === false) options.managed = false;
  if (o.verboseName) options.verboseName = o.verboseName;
  if (o.verboseNamePlural) options.verboseNamePlural = o.verboseNamePlural;
  return { app: meta.appLabel, name: meta.modelName, fields, options };
}

function defaultIndexName(meta: ModelMeta, index: IndexDefinition): string {
  // the same deterministic name the schema uses (see schema/tables.ts)
  const columns = index.fields.map((n) => meta.getField(n.replace(/^-/, '')).column);
  return constraintNameFor(meta.dbTable, columns, 'idx');
}


function constraintToState(c: ConstraintDefinition): ConstraintState {
  return c.kind === 'unique' ? { kind: 'unique', name: c.name, fields: [...c.fields] } : { kind: 'check', name: c.name, check: qToState(c.check) };
}

function constraintFromState(c: ConstraintState): ConstraintDefinition {
  return c.kind === 'unique' ? { kind: 'unique', name: c.name, fields: c.fields } : { kind: 'check', name: c.name, check: qFromState(c.check) };
}

type FieldFactory = (options: Record<string, unknown>) => AnyField;

/** Field classes by the name migrations store; projects register their own custom fields. */
const FIELD_TYPES = new Map<string, FieldFactory>([
  ['AutoField', (o) => new scalar.AutoField(o)],
  ['BigAutoField', (o) => new scalar.BigAutoField(o)],
  ['IntegerField', (o) => new scalar.IntegerField(o)],
  ['SmallIntegerField', (o) => new scalar.SmallIntegerField(o)],
  ['BigIntegerField', (o) => new scalar.BigIntegerField(o)],
  ['PositiveIntegerField', (o) => new scalar.PositiveIntegerField(o)],
  ['CharField', (o) => new scalar.CharField(o)],
  ['TextField', (o) => new scalar.TextField(o)],
  ['EmailField', (o) => new scalar.EmailField(o)],
  ['SlugField', (o) => new scalar.SlugField(o)],
  ['URLField', (o) => new scalar.URLField(o)],
  ['DecimalField', (o) => new scalar.DecimalField(o as unknown as scalar.DecimalFieldOptions)],
  ['FloatField', (o) => new scalar.FloatField(o)],
  ['BooleanField', (o) => new scalar.BooleanField(o)],
  ['DateField', (o) => new scalar.DateField(o)],
  ['DateTimeField', (o) => new scalar.DateTimeField(o)],
  ['UUIDField', (o) => new scalar.UUIDField(o)],
  ['JSONField', (o) => new scalar.JSONField(o)],
  ['ForeignKey', (o) => new ForeignKey(o.to as string, o as never)],
  ['OneToOneField', (o) => new OneToOneField(o.to as string, o as never)],
  ['ManyToManyField', (o) => new ManyToManyField(o.to as string, o as never)],
]);

/** Teach migrations a custom field class: `registerFieldType('MoneyField', (o) => new MoneyField(o))`. */
export function registerFieldType(type: string, factory: FieldFactory): void {
  FIELD_TYPES.set(type, factory);
}

export function fieldFromState(state: FieldState): AnyField {
  const factory = FIELD_TYPES.get(state.type);
  if (!factory) throw new ImproperlyConfiguredError(`Migrations do not know the field type ${JSON.stringify(state.type)}; register it with registerFieldType(). Known: ${[...FIELD_TYPES.keys()].join(', ')}.`);
  return factory({ ...state.options });
}

export const stateKey = (app: string, name: string): string => `${app}.${name}`.toLowerCase();

/** A deep copy of JSON-like migration data (plain objects and arrays, made in this realm). */
export function cloneData<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneData) as T;
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = cloneData(v);
    return out as T;
  }
  return value;
}

/**
 * Every model's state at one point of the migration history (Django's
 * ProjectState). `apps()` rebuilds model metadata from it, so the schema
 * editor can describe tables exactly as they were then.
 */
export class ProjectState {
  readonly models = new Map<string, ModelState>();

  static fromModels(models: AnyModel[]): ProjectState {
    const state = new ProjectState();
    for (const model of models) {
      if (model._meta.autoCreated) continue;
      const s = modelStateOf(model);
      state.models.set(stateKey(s.app, s.name), s);
    }
    return state;
  }

  clone(): ProjectState {
    const copy = new ProjectState();
    for (const [key, model] of this.models) copy.models.set(key, cloneData(model));
    return copy;
  }

  get(app: string, name: string): ModelState {
    const model = this.models.get(stateKey(app, name));
    if (!model) throw new ImproperlyConfiguredError(`The migration state has no model ${app}.${name} (is a dependency missing?).`);
    return model;
  }

  /** Models of one app. */
  appModels(app: string): ModelState[] {
    return [...this.models.values()].filter((m) => m.app === app);
  }

  private rendered: Apps | undefined;

  /** Invalidate the rendered metadata after a change. */
  touch(): void {
    this.rendered = undefined;
  }

  /** Model metadata rebuilt from the state (a registry of its own, separate from the live models). */
  apps(): Apps {
    if (this.rendered) return this.rendered;
    const apps = new Apps();
    apps.throughFactory = (field) => stateThrough(apps, field);
    for (const model of this.models.values()) {
      const fields: Record<string, AnyField> = {};
      for (const [name, f] of Object.entries(model.fields)) fields[name] = fieldFromState(f);
      const options: ModelOptions = { ...model.options, constraints: model.options.constraints?.map(constraintFromState) };
      const meta = new ModelMeta(apps, `${model.app}.${model.name}`, fields, options);
      const pseudo = { _meta: meta } as unknown as AnyModel;
      meta.model = pseudo;
      apps.register(pseudo);
    }
    apps.ensureReady();
    this.rendered = apps;
    return apps;
  }

  meta(app: string, name: string): ModelMeta {
    return this.apps().getModel(`${app}.${name}`)._meta;
  }
}

/** The intermediate table of an automatic many-to-many field, as metadata only. */
function stateThrough(apps: Apps, field: ManyToManyField): AnyModel {
  const source = field.meta.model;
  const target = field.relatedModel;
  const lower = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
  const self = source === target;
  const from = self ? `from${source._meta.modelName}` : lower(source._meta.modelName);
  const to = self ? `to${target._meta.modelName}` : lower(target._meta.modelName);
  const label = `${field.meta.appLabel}.${field.meta.modelName}_${field.name}`;
  const meta = new ModelMeta(apps, label, {
    [from]: new ForeignKey(source._meta.label, { onDelete: 'CASCADE', relatedName: '+' }),
    [to]: new ForeignKey(target._meta.label, { onDelete: 'CASCADE', relatedName: '+' }),
  }, { dbTable: field.autoThroughTable, uniqueTogether: [[from, to]] });
  meta.autoCreated = true;
  const pseudo = { _meta: meta } as unknown as AnyModel;
  meta.model = pseudo;
  apps.register(pseudo);
  return pseudo;
}
