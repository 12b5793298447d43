import { ValidationError } from '@manouche/core';
import type { AnyModel, QuerySet } from '@manouche/orm';
import { Field, type FieldOptions } from '../fields/field';
import { FormError } from '../forms/form';
import { toText } from '../utils/values';
import { ChoiceWidget, Select, SelectMultiple } from '../widgets/choice';
import { MultipleHiddenInput, type Widget } from '../widgets/widget';

/** A model instance: field values as properties, `pk`. */
export type ModelObject = { pk: unknown } & Record<string, unknown>;
// any model: a QuerySet of a specific model is not assignable to one of AnyModel (its label type differs)
type AnyQuerySet = QuerySet<any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface ModelChoiceFieldOptions extends FieldOptions {
  /** The objects to choose from (`Author.objects.filter({ active: true })`). */
  queryset: AnyQuerySet;
  /** The first, empty option ('---------'); null for none. */
  emptyLabel?: string | null;
  /** Field whose value identifies an object in the form (default: the primary key). */
  toFieldName?: string;
  /** The option text of an object (default: `String(obj)`). */
  labelFromInstance?: (obj: ModelObject) => string;
}

/** What the two model choice fields share: the queryset, its loaded options, and identifying objects. */
abstract class ModelChoiceBase<T> extends Field<T> {
  queryset: AnyQuerySet;
  readonly toFieldName: string | undefined;
  readonly labelFromInstance: (obj: ModelObject) => string;
  /** The options, once load() ran (rendering needs them; validation queries the database itself). */
  protected loaded: ModelObject[] | undefined;

  constructor(options: ModelChoiceFieldOptions) {
    super(options);
    if (!options.queryset || typeof (options.queryset as { filter?: unknown }).filter !== 'function') {
      throw new TypeError('A model choice field needs a queryset, e.g. { queryset: Author.objects.all() }.');
    }
    this.queryset = options.queryset;
    this.toFieldName = options.toFieldName;
    this.labelFromInstance = options.labelFromInstance ?? ((obj) => String(obj));
  }

  protected get model(): AnyModel {
    return this.queryset.model;
  }

  /** Name of the identifying field and its attribute on instances. */
  protected keyField(): { name: string; attname: string; toJs(value: unknown): unknown } {
    const meta = this.model._meta;
    const field = this.toFieldName ? meta.getField(this.toFieldName) : meta.pk;
    return field as unknown as { name: string; attname: string; toJs(value: unknown): unknown };
  }

  /** The value that identifies `obj` in the form. */
  keyOf(obj: ModelObject): unknown {
    return obj[this.keyField().attname];
  }

  /** A submitted key converted to the key field's type, or null when it cannot be one (→ invalid choice). */
  protected convertKey(value: unknown): unknown {
    try {
      return this.keyField().toJs(value);
    } catch {
      return null;
    }
  }

  /** Evaluate the queryset, so the widget can list the options. */
  async load(): Promise<void> {
    this.loaded = (await this.queryset) as ModelObject[];
  }

  protected optionList(): [unknown, string][] {
    if (!this.loaded) {
      throw new FormError(`The options of this ${this.constructor.name} come from the database: call \`await form.load()\` before rendering the form.`);
    }
    return this.loaded.map((obj) => [this.keyOf(obj), this.labelFromInstance(obj)]);
  }

  override prepareValue(value: unknown): unknown {
    if (isModelObject(value)) return this.keyOf(value);
    if (Array.isArray(value)) return value.map((v) => (isModelObject(v) ? this.keyOf(v) : v));
    return value;
  }

  override clone(): this {
    const copy = super.clone();
    copy.loaded = undefined;
    // the copied widget still lists the original field's options: point it at the copy
    const widget = copy.existingWidget();
    if (widget instanceof ChoiceWidget) copy.bindChoices(widget);
    return copy;
  }

  protected override setupWidget(widget: Widget): void {
    super.setupWidget(widget);
    if (widget instanceof ChoiceWidget) this.bindChoices(widget);
  }

  /** Make the widget list this field's loaded options. */
  protected abstract bindChoices(widget: ChoiceWidget): void;

  toPython(value: unknown): T {
    return value as T;
  }
}

function isModelObject(value: unknown): value is ModelObject {
  return typeof value === 'object' && value !== null && 'pk' in value && typeof (value as { constructor?: { _meta?: unknown } }).constructor?._meta === 'object';
}

/**
 * Django's ModelChoiceField: one object of a queryset, chosen by its key.
 * Cleaning queries the database (the submitted key must be in the
 * queryset), so forms using it validate with `await form.validate()`;
 * rendering needs `await form.load()` first.
 */
export class ModelChoiceField<T = ModelObject> extends ModelChoiceBase<T> {
  static override defaultWidget = Select;
  static override defaultErrorMessages: Record<string, string> = { invalid_choice: 'Select a valid choice. That choice is not one of the available choices.' };
  emptyLabel: string | null;

  constructor(options: ModelChoiceFieldOptions) {
    super(options);
    // a required field with an initial value needs no empty option (Django)
    this.emptyLabel = options.emptyLabel === undefined ? (this.required && options.initial !== undefined ? null : '---------') : options.emptyLabel;
  }

  protected bindChoices(widget: ChoiceWidget): void {
    widget.choices = () => {
      const options = this.optionList();
      return this.emptyLabel === null ? options : [['', this.emptyLabel], ...options];
    };
  }

  override clean(value: unknown): T | Promise<T> {
    const key = isModelObject(value) ? this.keyOf(value) : value;
    if (key === null || key === undefined || key === '') {
      this.validate(null as T);
      return null as T;
    }
    const converted = this.convertKey(Array.isArray(key) ? key[key.length - 1] : key);
    if (converted === null) throw this.error('invalid_choice', { value: key });
    return this.queryset.filter({ [this.keyField().name]: converted } as never).first().then((obj: unknown) => {
      if (obj === null) throw this.error('invalid_choice', { value: key });
      this.runValidators(obj as T);
      return obj as T;
    });
  }

  override hasChanged(initial: unknown, data: unknown): boolean {
    if (this.disabled) return false;
    const before = this.prepareValue(initial);
    return toText(before ?? '') !== toText(data ?? '');
  }
}

/**
 * Django's ModelMultipleChoiceField: objects of a queryset, chosen by their
 * keys; cleans to the list of objects.
 */
export class ModelMultipleChoiceField<T = ModelObject> extends ModelChoiceBase<T[]> {
  static override defaultWidget = SelectMultiple;
  static override hiddenWidget = MultipleHiddenInput;
  static override defaultErrorMessages: Record<string, string> = {
    invalid_list: 'Enter a list of values.',
    invalid_choice: 'Select a valid choice. %(value)s is not one of the available choices.',
    invalid_pk_value: '“%(pk)s” is not a valid value.',
  };

  protected bindChoices(widget: ChoiceWidget): void {
    widget.choices = () => this.optionList();
  }

  override clean(value: unknown): T[] | Promise<T[]> {
    const values = value === null || value === undefined || value === '' ? [] : value;
    if (!Array.isArray(values)) throw this.error('invalid_list');
    if (values.length === 0) {
      if (this.required) throw this.error('required');
      return [];
    }
    const keys: unknown[] = [];
    for (const item of values) {
      const key = isModelObject(item) ? this.keyOf(item) : item;
      const converted = this.convertKey(key);
      if (converted === null) throw this.error('invalid_pk_value', { pk: key });
      keys.push(converted);
    }
    const keyField = this.keyField();
    return (this.queryset.filter({ [`${keyField.name}__in`]: keys } as never).fetchAll() as Promise<ModelObject[]>).then((objects) => {
      const found = new Set(objects.map((obj) => toText(obj[keyField.attname])));
      for (const key of keys) if (!found.has(toText(key))) throw this.error('invalid_choice', { value: key });
      this.runValidators(objects as T[]);
      return objects as T[];
    });
  }

  override hasChanged(initial: unknown, data: unknown): boolean {
    if (this.disabled) return false;
    const before = ((this.prepareValue(initial) as unknown[] | null) ?? []).map((v) => toText(v));
    const after = (Array.isArray(data) ? data : data === null || data === undefined ? [] : [data]).map((v) => toText(v));
    if (before.length !== after.length) return true;
    const wanted = new Set(before);
    return after.some((v) => !wanted.has(v));
  }
}

/** A model ValidationError (the ORM's class) as core ValidationErrors, by field. */
export function modelErrors(error: unknown): Record<string, ValidationError[]> | null {
  const candidate = error as { name?: unknown; errorDict?: Record<string, { rawMessage?: string; message: string; code?: string; params?: Record<string, unknown> }[]>; errorList?: { rawMessage?: string; message: string; code?: string; params?: Record<string, unknown> }[] };
  if (!candidate || candidate.name !== 'ValidationError' || !Array.isArray(candidate.errorList)) return null;
  const convert = (e: { rawMessage?: string; message: string; code?: string; params?: Record<string, unknown> }): ValidationError =>
    e instanceof ValidationError ? e : new ValidationError(e.rawMessage ?? e.message, e.code, e.params);
  const dict = candidate.errorDict ?? { __all__: candidate.errorList };
  const out: Record<string, ValidationError[]> = {};
  for (const [field, errors] of Object.entries(dict)) out[field] = errors.map(convert);
  return out;
}
