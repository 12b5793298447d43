import type { AnyModel, InstanceOf, Model } from '@manouche/orm';
import { ValidationError } from '@manouche/core';
import { BooleanField, NullBooleanField } from '../fields/boolean';
import { TypedChoiceField } from '../fields/choice';
import type { Field, FieldOptions, WidgetInput } from '../fields/field';
import { DecimalField, FloatField, IntegerField } from '../fields/numbers';
import { DateField, DateTimeField } from '../fields/temporal';
import { CharField, EmailField, JSONField, SlugField, URLField, UUIDField } from '../fields/text';
import { type FieldHooks, type FormHooks, splitDefinition } from '../forms/define';
import { BaseForm, type FieldMap, type FormClassSettings, FormError, type FormOptions, NON_FIELD_ERRORS, type RequestLike } from '../forms/form';
import { Textarea } from '../widgets/widget';
import { type ModelObject, ModelChoiceField, ModelMultipleChoiceField, modelErrors } from './fields';

/** A model field, as the forms see it (the ORM's Field, read structurally). */
export interface ModelFieldLike {
  name: string;
  attname: string;
  type: string;
  editable: boolean;
  blank: boolean;
  null: boolean;
  primaryKey: boolean;
  dbGenerated: boolean;
  concrete: boolean;
  isRelation: boolean;
  helpText: string;
  verboseName: string;
  choices: ReadonlyArray<readonly [unknown, string]> | undefined;
  options: { schemes?: string[] };
  maxLength?: number;
  maxDigits?: number;
  decimalPlaces?: number;
  allowUnicode?: boolean;
  hasDefault(): boolean;
  getDefault(): unknown;
  toJs(value: unknown): unknown;
  relatedModel?: AnyModel;
  m2mOptions?: unknown;
}

// ---- types: model fields → form fields ------------------------------------

type TargetOf<T, Self> = T extends AnyModel ? InstanceOf<T> : T extends 'self' ? Self : Model;
/** The cleaned value a model field's form field produces. */
export type FormValueOf<MF, Self> = MF extends { m2mOptions: unknown; __target: infer T }
  ? TargetOf<T, Self>[]
  : MF extends { onDelete: unknown; __target: infer T; __null: infer N }
    ? TargetOf<T, Self> | (N extends true ? null : never)
    : MF extends { __value: infer V; __null: infer N }
      ? V | (N extends true ? null : never)
      : unknown;

type ModelFields<M extends AnyModel> = M['fields'];
/** Names of a model's fields a form may edit. */
export type EditableName<M extends AnyModel> = Exclude<keyof ModelFields<M> & string, 'id'>;
/** The form fields modelForm() builds for `K`. */
export type ModelFormFields<M extends AnyModel, K extends string> = { [P in K]: Field<FormValueOf<ModelFields<M>[P], InstanceOf<M>>> };

// ---- building form fields ---------------------------------------------------

const capfirst = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

export interface FieldOverrides {
  widget?: WidgetInput;
  label?: string;
  helpText?: string;
  errorMessages?: Record<string, string>;
}

/**
 * Django's Field.formfield(): the form field for a model field — its type,
 * choices, length, whether it is required (not `blank`), label, help text and
 * default as initial value. Null for fields a form never edits (automatic
 * keys, `editable: false`).
 */
export function formFieldFor(field: ModelFieldLike, overrides: FieldOverrides = {}): Field<unknown> | null {
  if (!field.editable || field.dbGenerated) return null;
  const common: FieldOptions = {
    required: !field.blank,
    label: overrides.label ?? capfirst(field.verboseName),
    helpText: overrides.helpText ?? field.helpText,
    errorMessages: overrides.errorMessages,
    widget: overrides.widget,
  };
  if (field.hasDefault()) common.initial = () => field.getDefault();
  if (field.m2mOptions !== undefined && field.relatedModel) {
    return new ModelMultipleChoiceField({ ...common, queryset: field.relatedModel.objects.all() });
  }
  if (field.isRelation && field.relatedModel) {
    return new ModelChoiceField({ ...common, queryset: field.relatedModel.objects.all() });
  }
  if (field.choices) {
    const includeBlank = field.blank || !(field.hasDefault() || common.initial !== undefined);
    const choices = [...(includeBlank ? [['', '---------'] as const] : []), ...field.choices.map(([value, label]) => [value === null ? '' : value, label] as const)];
    return new TypedChoiceField({ ...common, choices: choices as never, coerce: (value: string) => field.toJs(value), emptyValue: field.null ? null : '' });
  }
  const text = { ...common, maxLength: field.maxLength, emptyValue: field.null ? null : '' };
  switch (field.type) {
    case 'CharField':
      return new CharField(text);
    case 'TextField':
      return new CharField({ ...text, widget: overrides.widget ?? Textarea });
    case 'EmailField':
      return new EmailField(text);
    case 'URLField':
      return new URLField({ ...text, schemes: field.options.schemes });
    case 'SlugField':
      return new SlugField({ ...text, allowUnicode: field.allowUnicode });
    case 'UUIDField':
      return new UUIDField(common);
    case 'IntegerField':
    case 'SmallIntegerField':
    case 'BigIntegerField':
      return new IntegerField(common);
    case 'PositiveIntegerField':
      return new IntegerField({ ...common, minValue: 0 });
    case 'FloatField':
      return new FloatField(common);
    case 'DecimalField':
      return new DecimalField({ ...common, maxDigits: field.maxDigits, decimalPlaces: field.decimalPlaces });
    case 'BooleanField':
      // an unticked box is "false", never "missing": a BooleanField is never required in a model form
      return field.null ? new NullBooleanField({ ...common, required: false }) : new BooleanField({ ...common, required: false });
    case 'DateField':
      return new DateField(common);
    case 'DateTimeField':
      return new DateTimeField(common);
    case 'JSONField':
      return new JSONField(common);
    default:
      throw new FormError(`modelForm() has no form field for ${field.type} "${field.name}"; declare one in \`declared\`.`);
  }
}

/** The model's fields a form can edit, by name, in declaration order. */
function editableFields(model: AnyModel): Map<string, ModelFieldLike> {
  const out = new Map<string, ModelFieldLike>();
  for (const field of model._meta.fields as unknown as ModelFieldLike[]) {
    if (field.editable && !field.dbGenerated) out.set(field.name, field);
  }
  return out;
}

/** Django's model_to_dict(): the instance's values as form initial data (a foreign key as its key). */
export function modelToDict(instance: ModelObject, fields: Iterable<ModelFieldLike>): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const field of fields) {
    if (field.m2mOptions !== undefined) continue;
    data[field.name] = instance[field.attname];
  }
  return data;
}

// ---- the model form ---------------------------------------------------------

export interface ModelFormOptions<F extends FieldMap, M extends AnyModel> extends FormOptions<F> {
  /** The object to edit; a new one is created when absent. */
  instance?: InstanceOf<M>;
}

/** What modelForm() records on the class. */
export interface ModelFormMeta {
  model: AnyModel;
  /** The model fields the form edits. */
  fields: ModelFieldLike[];
}

/**
 * Django's BaseModelForm: a form built from a model, bound to an instance.
 * Validation also runs the model's (its validators and unique checks
 * against the database), so use `await form.validate()`; `await form.save()`
 * writes the instance and its many-to-many relations.
 */
export class BaseModelForm<F extends FieldMap = FieldMap, M extends AnyModel = AnyModel> extends BaseForm<F> {
  static modelMeta: ModelFormMeta;
  readonly instance: InstanceOf<M>;
  private pendingM2m: (() => Promise<void>) | undefined;

  constructor(options: ModelFormOptions<F, M> = {}) {
    const meta = (new.target as unknown as typeof BaseModelForm).modelMeta;
    const instance = (options.instance ?? new (meta.model as unknown as new () => ModelObject)()) as ModelObject;
    super(Object.assign({}, options, { initial: Object.assign(modelToDict(instance, meta.fields), options.initial) as ModelFormOptions<F, M>['initial'] }));
    this.instance = instance as InstanceOf<M>;
  }

  private get meta(): ModelFormMeta {
    return (this.constructor as typeof BaseModelForm).modelMeta;
  }

  /** Whether the instance is new (not yet in the database). */
  get adding(): boolean {
    const pk = (this.instance as ModelObject).pk;
    return pk === null || pk === undefined;
  }

  /**
   * Read what the form needs from the database: the options of its model
   * choice fields (for rendering) and the instance's many-to-many values (its
   * initial data). Call it before rendering.
   */
  async load(): Promise<void> {
    const instance = this.instance as ModelObject;
    const jobs: Promise<void>[] = [];
    for (const name of this.fieldNames) {
      const field = this.fields[name] as unknown as Field<unknown>;
      if (field instanceof ModelChoiceField || field instanceof ModelMultipleChoiceField) jobs.push(field.load());
      const modelField = this.meta.fields.find((f) => f.name === name);
      if (modelField?.m2mOptions !== undefined && !this.adding && !Object.hasOwn(this.initial, name)) {
        const manager = instance[name] as { all(): PromiseLike<ModelObject[]> };
        jobs.push(Promise.resolve(manager.all()).then((objects) => {
          (this.initial as Record<string, unknown>)[name] = objects;
        }));
      }
    }
    await Promise.all(jobs);
  }

  protected override asyncPostCleanReason(): string {
    return 'the model validation checks uniqueness in the database';
  }

  /** Django's _get_validation_exclusions(): model fields the model validation must not check. */
  private validationExclusions(): string[] {
    const exclude: string[] = [];
    const cleaned = this.cleanedData as Record<string, unknown>;
    for (const field of this.meta.model._meta.fields as unknown as ModelFieldLike[]) {
      const name = field.name;
      if (!this.fieldNames.includes(name)) exclude.push(name);
      else if (this.errors.has(name)) exclude.push(name);
      else {
        const formField = this.fields[name] as unknown as Field<unknown>;
        const value = cleaned[name];
        // a field the form lets stay empty though the model does not: the form's choice, not an error
        if (!field.blank && !formField.required && (value === null || value === undefined || value === '')) exclude.push(name);
      }
    }
    return exclude;
  }

  /** Django's construct_instance(): put the cleaned values on the instance (many-to-many are saved later). */
  private constructInstance(): void {
    const instance = this.instance as ModelObject;
    const cleaned = this.cleanedData as Record<string, unknown>;
    for (const field of this.meta.fields) {
      if (field.m2mOptions !== undefined || !Object.hasOwn(cleaned, field.name)) continue;
      // a field with a default that the submission left out keeps its default
      const formField = this.fields[field.name] as unknown as Field<unknown>;
      if (field.hasDefault() && formField.widget.valueOmittedFromData(this.data, this.files, this.addPrefix(field.name))) continue;
      instance[field.name] = cleaned[field.name];
    }
  }

  /** Django's _post_clean(): build the instance, then run the model's validation and unique checks. */
  protected override async postClean(): Promise<void> {
    this.constructInstance();
    const exclude = this.validationExclusions();
    try {
      await (this.instance as unknown as { fullClean(o: { exclude: string[] }): Promise<void> }).fullClean({ exclude });
    } catch (error) {
      const byField = modelErrors(error);
      if (!byField) throw error;
      for (const [field, errors] of Object.entries(byField)) {
        this.addError(field !== NON_FIELD_ERRORS && this.fieldNames.includes(field) ? (field as keyof F & string) : null, new ValidationError(errors));
      }
    }
  }

  /**
   * Save the instance and its many-to-many values. With `commit: false` the
   * instance is returned unsaved; call `saveM2m()` after saving it yourself.
   */
  async save(options: { commit?: boolean } = {}): Promise<InstanceOf<M>> {
    if (this.errors.size) {
      throw new FormError(`The ${this.meta.model._meta.modelName} could not be ${this.adding ? 'created' : 'changed'} because the data didn't validate.`);
    }
    const cleaned = this.cleanedData as Record<string, unknown>;
    const instance = this.instance as ModelObject;
    const m2m = this.meta.fields.filter((f) => f.m2mOptions !== undefined && Object.hasOwn(cleaned, f.name));
    const saveM2m = async (): Promise<void> => {
      for (const field of m2m) await (instance[field.name] as { set(objects: unknown[]): Promise<void> }).set(cleaned[field.name] as unknown[]);
    };
    if (options.commit ?? true) {
      await (instance as unknown as { save(): Promise<void> }).save();
      await saveM2m();
    } else {
      this.pendingM2m = saveM2m;
    }
    return this.instance;
  }

  /** After `save({ commit: false })` and saving the instance: save the many-to-many values. */
  async saveM2m(): Promise<void> {
    if (!this.pendingM2m) throw new FormError('saveM2m() is only needed after save({ commit: false }).');
    const pending = this.pendingM2m;
    this.pendingM2m = undefined;
    await pending();
  }
}

/** A model form class: `new ArticleForm({ data, instance })`. */
export interface ModelFormClass<F extends FieldMap, M extends AnyModel> {
  new (options?: ModelFormOptions<F, M>): BaseModelForm<F, M>;
  readonly baseFields: F;
  readonly settings: FormClassSettings;
  readonly modelMeta: ModelFormMeta;
  fromRequest(request: RequestLike, options?: Omit<ModelFormOptions<F, M>, 'data' | 'files'>): Promise<BaseModelForm<F, M>>;
}

export interface ModelFormDefinition<K extends string, D extends FieldMap> extends FormClassSettings {
  /** The model fields to edit (Django's Meta.fields); `'__all__'` for every editable one. */
  fields: readonly K[] | '__all__';
  /** Model fields to leave out (with `'__all__'`). */
  exclude?: readonly string[];
  widgets?: Partial<Record<K, WidgetInput>>;
  labels?: Partial<Record<K, string>>;
  helpTexts?: Partial<Record<K, string>>;
  errorMessages?: Partial<Record<K, Record<string, string>>>;
  /** Extra (or replacing) form fields, declared as in defineForm(). */
  declared?: D;
}

type Hooks<F extends FieldMap> = FieldHooks<F> & FormHooks<F>;

/**
 * Django's modelform_factory(): a form class built from `model`.
 *
 * ```ts
 * const ArticleForm = modelForm(Article, { fields: ['title', 'body', 'author', 'tags'] });
 * const form = await ArticleForm.fromRequest(request, { instance: article });
 * if (await form.validate()) await form.save();
 * ```
 */
export function modelForm<M extends AnyModel, const K extends EditableName<M>, D extends FieldMap = {}>(
  model: M,
  definition: ModelFormDefinition<K, D> & NoInfer<Hooks<ModelFormFields<M, K> & D>>,
): ModelFormClass<ModelFormFields<M, K> & D, M> {
  if (!model || typeof model !== 'function' || !model._meta) throw new TypeError('modelForm() takes a model class, e.g. modelForm(Article, { fields: [...] }).');
  const { fields: wanted, exclude = [], widgets = {}, labels = {}, helpTexts = {}, errorMessages = {}, declared = {} as D, ...rest } = definition;
  if (wanted === undefined) throw new TypeError(`modelForm(${model._meta.modelName}) needs \`fields\`: the names to edit, or '__all__'.`);
  const available = editableFields(model);
  const names = wanted === '__all__' ? [...available.keys()].filter((n) => !exclude.includes(n)) : [...wanted];
  const formFields: FieldMap = {};
  const modelFields: ModelFieldLike[] = [];
  for (const name of names) {
    if (Object.hasOwn(declared, name)) {
      const modelField = available.get(name);
      if (modelField) modelFields.push(modelField);
      continue;
    }
    const field = available.get(name);
    if (!field) {
      throw new FormError(`Unknown field ${JSON.stringify(name)} specified for ${model._meta.modelName}; the editable fields are: ${[...available.keys()].join(', ')}.`);
    }
    const overrides = widgets as Record<string, WidgetInput>;
    const built = formFieldFor(field, {
      widget: overrides[name],
      label: (labels as Record<string, string>)[name],
      helpText: (helpTexts as Record<string, string>)[name],
      errorMessages: (errorMessages as Record<string, Record<string, string>>)[name],
    });
    if (built) {
      formFields[name] = built;
      modelFields.push(field);
    }
  }
  Object.assign(formFields, declared);
  const { settings, hooks } = splitDefinition(rest, Object.keys(formFields));
  class ModelForm extends BaseModelForm<FieldMap, M> {
    static override baseFields: FieldMap = formFields;
    static override settings: FormClassSettings = settings;
    static override modelMeta: ModelFormMeta = { model, fields: modelFields };
  }
  Object.defineProperty(ModelForm, 'name', { value: `${model._meta.modelName}Form` });
  Object.assign(ModelForm.prototype, hooks);
  return ModelForm as unknown as ModelFormClass<ModelFormFields<M, K> & D, M>;
}

