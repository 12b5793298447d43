import { ValidationError } from '@manouche/core';
import type { AnyModel, InstanceOf, QuerySet } from '@manouche/orm';
import { toDataSource } from '../data';
import { Field } from '../fields/field';
import type { Form } from '../forms/define';
import { type FieldMap, FormError } from '../forms/form';
import { BaseFormSet, type FormsetOptions, type FormsetSettings, resolveSettings } from '../formsets/formset';
import { toText } from '../utils/values';
import { HiddenInput } from '../widgets/widget';
import type { ModelObject } from './fields';
import { BaseModelForm, type EditableName, type ModelFieldLike, modelForm, type ModelFormClass, type ModelFormDefinition, type ModelFormFields } from './model-form';

// any model: a QuerySet of a specific model is not assignable to one of AnyModel (its label type differs)
type AnyQuerySet = QuerySet<any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * The hidden primary key of each existing object's form. It only accepts
 * the keys of the objects the formset was given, so a submission cannot
 * point a form at another row.
 */
class ExistingObjectField extends Field<ModelObject | null> {
  static override defaultWidget = HiddenInput;
  static override defaultErrorMessages: Record<string, string> = { invalid_choice: 'Select a valid choice. That choice is not one of the available choices.' };

  constructor(private readonly objects: ReadonlyMap<string, ModelObject>, required: boolean, initial: unknown) {
    super({ required, initial });
  }

  toPython(value: unknown): ModelObject | null {
    if (value === null || value === undefined || value === '') return null;
    const found = this.objects.get(toText(value));
    if (!found) throw this.error('invalid_choice', { value });
    return found;
  }

  override prepareValue(value: unknown): unknown {
    return typeof value === 'object' && value !== null && 'pk' in value ? (value as ModelObject).pk : value;
  }
}

/**
 * Django's InlineForeignKeyField: the child's link to its parent, a hidden
 * input that must hold the parent's key; it always cleans to the parent.
 */
class InlineForeignKeyField extends Field<ModelObject> {
  static override defaultWidget = HiddenInput;
  static override defaultErrorMessages: Record<string, string> = { invalid_choice: 'The inline value did not match the parent instance.' };

  constructor(private readonly parent: ModelObject) {
    super({ required: false, initial: parent.pk ?? undefined });
  }

  toPython(value: unknown): ModelObject {
    if (value === null || value === undefined || value === '') return this.parent;
    if (toText(value) !== toText(this.parent.pk)) throw this.error('invalid_choice');
    return this.parent;
  }

  override hasChanged(): boolean {
    return false;
  }
}

export interface ModelFormsetOptions<F extends FieldMap, M extends AnyModel> extends FormsetOptions<F> {
  /** The objects to edit (default: every object of the model). */
  queryset?: AnyQuerySet;
  /** Initial data for the extra forms. */
  initial?: FormsetOptions<F>['initial'];
  /** Compile-time only. */
  readonly __model?: M;
}

const MESSAGES = {
  duplicate: 'Please correct the duplicate data for %(field)s, which must be unique.',
  duplicateRow: 'Please correct the duplicate values below.',
} as const;

/**
 * Django's BaseModelFormSet: one model form per object of a queryset, plus
 * extra forms for new objects. Call `await formset.load()` (or
 * `await formset.validate()`, which loads) before using its forms, then
 * `await formset.save()`.
 */
export class BaseModelFormSet<F extends FieldMap = FieldMap, M extends AnyModel = AnyModel> extends BaseFormSet<F> {
  static model: AnyModel;
  readonly queryset: AnyQuerySet;
  protected objects: ModelObject[] | undefined;
  private byKey: Map<string, ModelObject> | undefined;
  /** Set by save(). */
  newObjects: InstanceOf<M>[] = [];
  changedObjects: [InstanceOf<M>, string[]][] = [];
  deletedObjects: InstanceOf<M>[] = [];

  constructor(options: ModelFormsetOptions<F, M> = {}) {
    super(options);
    const model = (this.constructor as typeof BaseModelFormSet).model;
    this.queryset = options.queryset ?? this.defaultQueryset(model);
  }

  protected defaultQueryset(model: AnyModel): AnyQuerySet {
    const all = model.objects.all() as AnyQuerySet;
    // forms are matched to objects by position when unbound: the order must be stable
    return model._meta.ordering.length ? all : all.orderBy('pk' as never);
  }

  protected get model(): AnyModel {
    return (this.constructor as typeof BaseModelFormSet).model;
  }

  /** Read the objects, then what each form needs to render (its choices, many-to-many values). */
  async load(): Promise<void> {
    if (!this.objects) {
      const objects = (await this.queryset.fetchAll()) as ModelObject[];
      this.objects = objects;
      this.byKey = new Map(objects.map((obj) => [toText(obj.pk), obj]));
    }
    await Promise.all(this.forms.map((form) => (form as unknown as BaseModelForm).load()));
  }

  private requireLoaded(): ModelObject[] {
    if (!this.objects) throw new FormError(`${this.constructor.name || 'This model formset'} reads its objects from the database: call \`await formset.load()\` (or \`await formset.validate()\`) first.`);
    return this.objects;
  }

  override get forms(): Form<F>[] {
    this.requireLoaded();
    return super.forms;
  }

  override initialFormCount(): number {
    if (this.isBound) return super.initialFormCount();
    return this.requireLoaded().length;
  }

  /** The existing object for a form: by position when unbound, by the submitted key when bound. */
  private existingObject(index: number): ModelObject | undefined {
    const objects = this.requireLoaded();
    if (!this.isBound) return objects[index];
    const key = toDataSource(this.data).get(`${this.addPrefix(index)}-${this.model._meta.pk.name}`);
    return key === undefined || key === null ? undefined : this.byKey!.get(toText(key));
  }

  protected override constructForm(index: number): Form<F> {
    if (index < this.initialFormCount()) {
      const instance = this.existingObject(index);
      return super.constructForm(index, instance ? ({ instance } as never) : {});
    }
    const extraInitial = this.initial?.[index - this.initialFormCount()];
    return super.constructForm(index, extraInitial ? { initial: extraInitial } : {});
  }

  override addFields(form: Form<F>, index: number | null): void {
    super.addFields(form, index);
    const pk = this.model._meta.pk;
    const existing = index !== null && index < this.initialFormCount();
    const instance = (form as unknown as BaseModelForm).instance as ModelObject;
    form.addField(pk.name, new ExistingObjectField(this.byKey ?? new Map(), existing && this.isBound, existing ? instance.pk : undefined));
  }

  override async validate(): Promise<boolean> {
    if (!this.isBound) return false;
    await this.load();
    return super.validate();
  }

  override clean(): void | Promise<void> {
    this.validateUnique();
    return super.clean();
  }

  /** Django's BaseModelFormSet.validate_unique(): no two forms may hold the same unique values. */
  protected validateUnique(): void {
    const deleted = new Set(this.deletedForms);
    const forms = this.forms.filter((form) => !deleted.has(form) && form.isValid());
    const meta = this.model._meta;
    const checks: string[][] = [];
    for (const field of meta.concreteFields as unknown as (ModelFieldLike & { unique: boolean })[]) {
      if (field.unique && !field.primaryKey) checks.push([field.name]);
    }
    for (const together of meta.options.uniqueTogether ?? []) checks.push([...together]);
    const errors: ValidationError[] = [];
    for (const check of checks) {
      const seen = new Set<string>();
      for (const form of forms) {
        const cleaned = form.cleanedData as Record<string, unknown>;
        if (!check.every((name) => Object.hasOwn(cleaned, name))) continue;
        const row = check.map((name) => {
          const value = cleaned[name];
          return typeof value === 'object' && value !== null && 'pk' in value ? (value as ModelObject).pk : value;
        });
        if (row.some((v) => v === null || v === undefined)) continue;
        const key = JSON.stringify(row);
        if (seen.has(key)) {
          errors.push(new ValidationError(MESSAGES.duplicate, 'unique', { field: check.length === 1 ? check[0] : `${check.slice(0, -1).join(', ')} and ${check.at(-1)}` }));
          form.addError(null, new ValidationError(MESSAGES.duplicateRow, 'duplicate'));
        }
        seen.add(key);
      }
    }
    if (errors.length) throw new ValidationError(errors);
  }

  /**
   * Save: changed existing objects are updated, those marked for deletion
   * deleted, filled-in extra forms created. With `commit: false` nothing is
   * written (deleted objects are listed in deletedObjects); save each object,
   * then call each form's saveM2m().
   */
  async save(options: { commit?: boolean } = {}): Promise<InstanceOf<M>[]> {
    if (!this.isValid()) throw new FormError(`${this.constructor.name || 'The formset'} could not be saved because the data didn't validate.`);
    const commit = options.commit ?? true;
    const deleted = new Set(this.deletedForms);
    this.newObjects = [];
    this.changedObjects = [];
    this.deletedObjects = [];
    const saved: InstanceOf<M>[] = [];
    const initialForms = this.initialFormCount();
    for (const [index, form] of this.forms.entries()) {
      const modelForm = form as unknown as BaseModelForm<FieldMap, M>;
      if (index < initialForms) {
        const obj = modelForm.instance;
        if (deleted.has(form)) {
          this.deletedObjects.push(obj);
          if (commit) await (obj as unknown as { delete(): Promise<unknown> }).delete();
          continue;
        }
        if (!form.hasChanged()) continue;
        this.changedObjects.push([obj, form.changedData]);
        saved.push(await this.saveForm(modelForm, commit));
      } else {
        if (!form.hasChanged() || deleted.has(form)) continue;
        const obj = await this.saveForm(modelForm, commit);
        this.newObjects.push(obj);
        saved.push(obj);
      }
    }
    return saved;
  }

  /** Save one form's object (inline formsets set the parent first). */
  protected saveForm(form: BaseModelForm<FieldMap, M>, commit: boolean): Promise<InstanceOf<M>> {
    return form.save({ commit });
  }
}

export interface ModelFormsetClass<F extends FieldMap, M extends AnyModel> {
  new (options?: ModelFormsetOptions<F, M>): BaseModelFormSet<F, M>;
  readonly model: M;
  readonly form: ModelFormClass<F, M>;
}

type FormsetDefinition<K extends string> = FormsetSettings & Pick<ModelFormDefinition<K, FieldMap>, 'fields' | 'exclude' | 'widgets' | 'labels' | 'helpTexts' | 'errorMessages'> & {
  /** A model form class to use instead of building one from `fields`. */
  form?: ModelFormClass<FieldMap, AnyModel>;
  clean?: (this: BaseFormSet) => void | Promise<void>;
};

function buildFormset<F extends FieldMap, M extends AnyModel>(Base: typeof BaseModelFormSet, model: M, definition: FormsetDefinition<string>, exclude: readonly string[] = []): ModelFormsetClass<F, M> {
  const { form, fields, exclude: excluded = [], widgets, labels, helpTexts, errorMessages, clean, ...settings } = definition;
  const FormClass = form ?? (modelForm as (m: AnyModel, d: object) => ModelFormClass<FieldMap, AnyModel>)(model, {
    fields: fields === '__all__' || fields === undefined ? fields : fields.filter((name) => !exclude.includes(name)),
    exclude: [...excluded, ...exclude],
    widgets, labels, helpTexts, errorMessages,
  });
  const resolved = resolveSettings(settings);
  class ModelFormSet extends Base<F, M> {
    static override model = model;
    static override form = FormClass as never;
    static override settings = resolved;
  }
  if (clean) ModelFormSet.cleanHook = clean;
  Object.defineProperty(ModelFormSet, 'name', { value: `${model._meta.modelName}FormSet` });
  return ModelFormSet as unknown as ModelFormsetClass<F, M>;
}

/**
 * Django's modelformset_factory(): forms for several objects of `model`.
 *
 * ```ts
 * const TagFormSet = modelFormsetFactory(Tag, { fields: ['name'], extra: 1, canDelete: true });
 * const formset = new TagFormSet({ data: await request.form(), queryset: Tag.objects.filter({ active: true }) });
 * if (await formset.validate()) await formset.save();
 * ```
 */
export function modelFormsetFactory<M extends AnyModel, const K extends EditableName<M>>(model: M, definition: FormsetDefinition<K>): ModelFormsetClass<ModelFormFields<M, K>, M> {
  return buildFormset(BaseModelFormSet, model, definition as FormsetDefinition<string>);
}

// ---- inline formsets ----------------------------------------------------------

interface ForeignKeyLike extends ModelFieldLike {
  relatedModel: AnyModel;
  options: { relatedName?: string; schemes?: string[] };
}

/** Django's _get_foreign_key(): the one foreign key from `model` to `parent`, or the one named `name`. */
function foreignKeyTo(parent: AnyModel, model: AnyModel, name?: string): ForeignKeyLike {
  const fks = (model._meta.fields as unknown as ForeignKeyLike[]).filter((f) => f.isRelation && f.m2mOptions === undefined && f.relatedModel === parent);
  if (name !== undefined) {
    const named = fks.find((f) => f.name === name);
    if (!named) throw new FormError(`${model._meta.label} has no foreign key named ${JSON.stringify(name)} to ${parent._meta.label}; its foreign keys to it: ${fks.map((f) => f.name).join(', ') || 'none'}.`);
    return named;
  }
  if (fks.length !== 1) {
    throw new FormError(fks.length === 0
      ? `${model._meta.label} has no foreign key to ${parent._meta.label}.`
      : `${model._meta.label} has more than one foreign key to ${parent._meta.label} (${fks.map((f) => f.name).join(', ')}): name one with \`fk\`.`);
  }
  return fks[0]!;
}

export interface InlineFormsetOptions<F extends FieldMap, M extends AnyModel, P extends AnyModel> extends Omit<ModelFormsetOptions<F, M>, 'queryset'> {
  /** The parent object; its children are the formset's objects. */
  instance?: InstanceOf<P>;
  queryset?: AnyQuerySet;
}

/**
 * Django's BaseInlineFormSet: the children of one parent object (the
 * comments of an article). The foreign key is not a form field: it is set to
 * the parent when saving.
 */
export class BaseInlineFormSet<F extends FieldMap = FieldMap, M extends AnyModel = AnyModel, P extends AnyModel = AnyModel> extends BaseModelFormSet<F, M> {
  static fk: ForeignKeyLike;
  readonly instance: InstanceOf<P>;

  constructor(options: InlineFormsetOptions<F, M, P> = {}) {
    const ctor = new.target as unknown as typeof BaseInlineFormSet;
    const parent = (options.instance ?? new (ctor.fk.relatedModel as unknown as new () => ModelObject)()) as ModelObject;
    const saved = parent.pk !== null && parent.pk !== undefined;
    const base = options.queryset ?? ctor.model.objects.all();
    // a parent not saved yet has no children
    const queryset = saved ? base.filter({ [ctor.fk.name]: parent } as never) : base.none();
    super({ ...options, queryset } as ModelFormsetOptions<F, M>);
    this.instance = parent as InstanceOf<P>;
  }

  static override getDefaultPrefix(): string {
    // the parent's accessor for its children: `comments`, or `commentSet` by default
    const { fk, model } = this as unknown as typeof BaseInlineFormSet;
    const related = fk.options.relatedName;
    return related && !related.endsWith('+') ? related : `${lowerFirst(model._meta.modelName)}Set`;
  }

  protected override constructForm(index: number): Form<F> {
    const form = super.constructForm(index);
    // the child belongs to this parent whatever was submitted
    (form as unknown as BaseModelForm).instance[(this.constructor as typeof BaseInlineFormSet).fk.name as never] = this.instance as never;
    return form;
  }

  override addFields(form: Form<F>, index: number | null): void {
    super.addFields(form, index);
    // a form field, so unique checks involving the parent (uniqueTogether) run
    form.addField((this.constructor as typeof BaseInlineFormSet).fk.name, new InlineForeignKeyField(this.instance as ModelObject));
  }

  protected override saveForm(form: BaseModelForm<FieldMap, M>, commit: boolean): Promise<InstanceOf<M>> {
    (form.instance as ModelObject)[(this.constructor as typeof BaseInlineFormSet).fk.name] = this.instance;
    return super.saveForm(form, commit);
  }
}

const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

export interface InlineFormsetClass<F extends FieldMap, M extends AnyModel, P extends AnyModel> {
  new (options?: InlineFormsetOptions<F, M, P>): BaseInlineFormSet<F, M, P>;
  readonly model: M;
  readonly form: ModelFormClass<F, M>;
}

/**
 * Django's inlineformset_factory(): forms for the children of a parent.
 *
 * ```ts
 * const CommentFormSet = inlineFormsetFactory(Article, Comment, { fields: ['author', 'text'], extra: 1 });
 * const formset = new CommentFormSet({ instance: article, data: await request.form() });
 * if (await formset.validate()) await formset.save();
 * ```
 */
export function inlineFormsetFactory<P extends AnyModel, M extends AnyModel, const K extends EditableName<M>>(
  parent: P,
  model: M,
  definition: FormsetDefinition<K> & { fk?: string },
): InlineFormsetClass<ModelFormFields<M, K>, M, P> {
  const { fk: fkName, ...rest } = definition;
  const fk = foreignKeyTo(parent, model, fkName);
  const settings = { extra: 3, ...rest } as FormsetDefinition<string>;
  const Formset = buildFormset<FieldMap, M>(BaseInlineFormSet as unknown as typeof BaseModelFormSet, model, settings, [fk.name]);
  (Formset as unknown as typeof BaseInlineFormSet).fk = fk;
  return Formset as unknown as InlineFormsetClass<ModelFormFields<M, K>, M, P>;
}

