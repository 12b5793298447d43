import { type SafeString, ValidationError, type ValidatorLike } from '@manouche/core';
import type { Attrs } from '../utils/attrs';
import { isEmptyValue, sameValue } from '../utils/values';
import { HiddenInput, TextInput, type Widget } from '../widgets/widget';

export type WidgetInput = Widget | (new () => Widget);

export interface FieldOptions {
  /** Default true: an empty value is refused with "This field is required." */
  required?: boolean;
  /** Shown in the <label>; by default the field's name, prettified (`firstName` → "First name"). */
  label?: string | SafeString;
  /** Value shown by an unbound form; a function is called each time. */
  initial?: unknown;
  /** Shown under the field and tied to the input with aria-describedby; escaped unless a SafeString. */
  helpText?: string | SafeString;
  /** Messages by code, replacing Django's defaults (`{ required: 'Please give a title.' }`); `%(name)s` parameters work. */
  errorMessages?: Record<string, string>;
  /** Extra validators: functions that throw ValidationError, or core's validator classes. */
  validators?: ValidatorLike<never>[];
  /** Shown but not editable; the submitted value is ignored and the initial value kept. */
  disabled?: boolean;
  /** A widget instance or class replacing the field's default. */
  widget?: WidgetInput;
  /** Replaces the form's label suffix (":") for this field. */
  labelSuffix?: string;
  /** Template for this field's group (label, help, errors, widget). */
  templateName?: string;
}

/** The cleaned value a field produces (its `clean()` result). */
export type CleanedValue<F> = F extends Field<infer T> ? T : never;

type MessageTable = Record<string, string>;
const messageCache = new WeakMap<object, MessageTable>();

/** Default messages of a field class, merged along its inheritance chain once. */
function defaultMessages(ctor: typeof Field): MessageTable {
  let table = messageCache.get(ctor);
  if (table) return table;
  const chain: (typeof Field)[] = [];
  for (let c: unknown = ctor; typeof c === 'function' && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    if (Object.hasOwn(c, 'defaultErrorMessages')) chain.unshift(c as typeof Field);
  }
  table = Object.assign({}, ...chain.map((c) => c.defaultErrorMessages)) as MessageTable;
  messageCache.set(ctor, table);
  return table;
}

/**
 * Django's forms.Field: turns the submitted value into a typed value
 * (`toPython`), checks it (`validate`, then the validators), and tells the
 * widget how to render (`widgetAttrs`). `T` is the cleaned value's type.
 */
export abstract class Field<T = unknown> {
  /** Only here to carry `T` for CleanedData; never set. */
  declare readonly '~cleaned': T;

  static defaultErrorMessages: MessageTable = { required: 'This field is required.' };
  /** The widget a field of this class gets unless `widget` is given. */
  static defaultWidget: new () => Widget = TextInput;
  static hiddenWidget: new () => Widget = HiddenInput;

  required: boolean;
  label: string | SafeString | undefined;
  initial: unknown;
  helpText: string | SafeString;
  errorMessages: MessageTable;
  validators: ValidatorLike<never>[];
  disabled: boolean;
  labelSuffix: string | undefined;
  templateName: string | undefined;
  /** Whether the field also reads files (FileField). */
  readonly readsFiles: boolean = false;
  private widgetInstance: Widget | undefined;
  private readonly widgetOption: WidgetInput | undefined;

  constructor(options: FieldOptions = {}) {
    this.required = options.required ?? true;
    this.label = options.label;
    this.initial = options.initial;
    this.helpText = options.helpText ?? '';
    this.disabled = options.disabled ?? false;
    this.labelSuffix = options.labelSuffix;
    this.templateName = options.templateName;
    this.widgetOption = options.widget;
    const defaults = defaultMessages(this.constructor as typeof Field);
    this.errorMessages = options.errorMessages ? { ...defaults, ...options.errorMessages } : defaults;
    this.validators = [...this.defaultValidators(), ...(options.validators ?? [])];
  }

  /** Validators every field of this class runs (EmailField's EmailValidator…). */
  protected defaultValidators(): ValidatorLike<never>[] {
    return [];
  }

  /**
   * The field's widget, made on first use: subclasses set their options
   * (maxLength…) after this constructor, and the widget's HTML attributes
   * come from them.
   */
  get widget(): Widget {
    if (!this.widgetInstance) {
      const option = this.widgetOption;
      const widget = option === undefined ? new (this.constructor as typeof Field).defaultWidget() : typeof option === 'function' ? new option() : option.clone();
      this.widget = widget;
    }
    return this.widgetInstance!;
  }

  set widget(widget: Widget) {
    widget.isRequired = this.required;
    this.setupWidget(widget);
    this.widgetInstance = widget;
  }

  /** The widget if it was made already (so a setter can update it without making it early). */
  protected existingWidget(): Widget | undefined {
    return this.widgetInstance;
  }

  /** Give the widget the attributes and settings that follow from the field's rules. */
  protected setupWidget(widget: Widget): void {
    const extra = this.widgetAttrs(widget);
    for (const name in extra) if (!(name in widget.attrs)) widget.attrs[name] = extra[name];
  }

  /** HTML attributes from the field's rules (maxlength, min, max, step…). */
  widgetAttrs(_widget: Widget): Attrs {
    return {};
  }

  /** The submitted value converted to the field's type; empty values become the field's empty value. */
  abstract toPython(value: unknown): T;

  /** Checks on the converted value that need no validator: required by default. */
  validate(value: T): void {
    if (this.required && isEmptyValue(value)) throw this.error('required');
  }

  /** Run the validators on a non-empty value, collecting every error; messages may be overridden by code. */
  runValidators(value: T): void {
    const error = this.validatorErrors(value);
    if (error) throw error;
  }

  /** The validators' errors as one ValidationError (undefined when they all pass). */
  protected validatorErrors(value: T): ValidationError | undefined {
    const validators = this.validators;
    if (validators.length === 0 || isEmptyValue(value)) return undefined;
    let errors: ValidationError[] | undefined;
    for (let i = 0; i < validators.length; i++) {
      const validator = validators[i]!;
      try {
        if (typeof validator === 'function') validator(value as never);
        else validator.validate(value as never);
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        for (const item of error.errorList) {
          const override = item.code !== undefined && Object.hasOwn(this.errorMessages, item.code) ? this.errorMessages[item.code] : undefined;
          (errors ??= []).push(override !== undefined ? new ValidationError(override, item.code, item.params) : item);
        }
      }
    }
    if (!errors) return undefined;
    return errors.length === 1 ? errors[0]! : new ValidationError(errors);
  }

  /**
   * What clean() does, with the ValidationError returned rather than thrown.
   * Forms collect errors, and on a slow machine a throw and its catch cost
   * more than most checks: a form calls this for fields that keep the
   * base clean().
   */
  cleanOrError(value: unknown): T | ValidationError {
    let converted: T;
    try {
      converted = this.toPython(value);
      this.validate(converted);
    } catch (error) {
      if (error instanceof ValidationError) return error;
      throw error;
    }
    return this.validatorErrors(converted) ?? converted;
  }

  /** toPython, validate, runValidators: the cleaned value, or a ValidationError. FileField may answer with a promise. */
  clean(value: unknown, _initial?: unknown): T | Promise<T> {
    const result = this.cleanOrError(value);
    if (result instanceof ValidationError) throw result;
    return result;
  }

  /** The value a bound form shows: the submitted one, except for a disabled field. */
  boundData(data: unknown, initial: unknown): unknown {
    return this.disabled ? initial : data;
  }

  /** The value handed to the widget (a model instance becomes its primary key…). */
  prepareValue(value: unknown): unknown {
    return value;
  }

  /** Whether the submitted data differs from the initial value. */
  hasChanged(initial: unknown, data: unknown): boolean {
    if (this.disabled) return false;
    let converted: unknown;
    try {
      converted = this.toPython(data);
    } catch (error) {
      if (error instanceof ValidationError) return true;
      throw error;
    }
    let initialValue: unknown = initial;
    try {
      initialValue = this.toPython(initial);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
    }
    return !sameValue(initialValue ?? '', converted ?? '');
  }

  /** A ValidationError with this field's message for `code`. */
  error(code: string, params?: Record<string, unknown>): ValidationError {
    return new ValidationError(this.errorMessages[code] ?? code, code, params);
  }

  /** A copy a form instance may change (choices, queryset, widget attrs) without touching the class's field. */
  clone(): this {
    const copy = Object.create(Object.getPrototypeOf(this) as object) as this;
    Object.assign(copy, this);
    copy.validators = [...this.validators];
    if (this.widgetInstance) copy.widgetInstance = this.widgetInstance.clone();
    return copy;
  }
}
