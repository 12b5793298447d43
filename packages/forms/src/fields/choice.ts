import { ValidationError } from '@manouche/core';
import { type ChoicesInput, flatChoices, type NormalizedChoice, normalizeChoices } from '../utils/choices';
import { toText } from '../utils/values';
import { ChoiceWidget, SelectMultiple, Select } from '../widgets/choice';
import { MultipleHiddenInput, type Widget } from '../widgets/widget';
import { Field, type FieldOptions } from './field';

export interface ChoiceFieldOptions extends FieldOptions {
  /** `[[value, label], …]`, groups `[groupLabel, [[value, label], …]]`, a `{ value: label }` object, a Map, or a function (called at each use). */
  choices?: ChoicesInput;
}

/** What ChoiceField and MultipleChoiceField share: the choices (passed on to the widget) and the check that a value is one. */
abstract class ChoiceFieldBase<T> extends Field<T> {
  static override defaultErrorMessages: Record<string, string> = { invalid_choice: 'Select a valid choice. %(value)s is not one of the available choices.' };
  private choiceSource: ChoicesInput | Iterable<NormalizedChoice> = [];
  /** Allowed values as text, for static choices; rebuilt when the choices change. */
  private validCache: Set<string> | undefined;

  constructor(options: ChoiceFieldOptions) {
    super(options);
    if (options.choices !== undefined) this.choices = options.choices;
  }

  get choices(): readonly NormalizedChoice[] {
    return normalizeChoices(this.choiceSource as ChoicesInput);
  }

  set choices(choices: ChoicesInput | Iterable<NormalizedChoice>) {
    this.choiceSource = choices;
    this.validCache = undefined;
    const widget = this.existingWidget();
    if (widget instanceof ChoiceWidget) widget.choices = choices;
  }

  protected override setupWidget(widget: Widget): void {
    super.setupWidget(widget);
    if (widget instanceof ChoiceWidget) widget.choices = this.choiceSource;
  }

  /** Whether `value` is one of the choices (compared as text, as Django does). */
  validValue(value: string): boolean {
    if (typeof this.choiceSource === 'function') {
      for (const [choice] of flatChoices(this.choices)) if (choice !== null && toText(choice) === value) return true;
      return false;
    }
    if (!this.validCache) {
      this.validCache = new Set();
      for (const [choice] of flatChoices(this.choices)) this.validCache.add(choice === null ? '' : toText(choice));
    }
    return this.validCache.has(value);
  }

  override clone(): this {
    const copy = super.clone();
    copy.validCache = undefined;
    return copy;
  }
}

/** ChoiceField and TypedChoiceField: one value, as text ('' when empty). */
abstract class SingleChoiceBase<T> extends ChoiceFieldBase<T> {
  static override defaultWidget = Select;

  toPython(value: unknown): T {
    if (value === null || value === undefined || value === '') return '' as T;
    return toText(Array.isArray(value) ? value[value.length - 1] : value) as T;
  }

  override validate(value: T): void {
    super.validate(value);
    if (value && !this.validValue(value as string)) throw this.error('invalid_choice', { value });
  }
}

/** Django's ChoiceField: one of the choices, cleaned to its value as text ('' when empty). */
export class ChoiceField<T extends string = string> extends SingleChoiceBase<T> {
  constructor(options: ChoiceFieldOptions = {}) {
    super(options);
  }
}

export interface TypedChoiceFieldOptions<T> extends ChoiceFieldOptions {
  /** Turns the chosen value (text) into the cleaned value; a throw means an invalid choice. */
  coerce?: (value: string) => T;
  /** The cleaned value when nothing is chosen (default ''). */
  emptyValue?: unknown;
}

/** Django's _coerce(): a ValueError-like failure of `coerce` is an invalid choice, anything else a bug. */
function coerceChoice(field: Field<unknown>, coerce: (value: string) => unknown, text: string): unknown {
  try {
    return coerce(text);
  } catch (error) {
    if (error instanceof ValidationError || error instanceof TypeError || error instanceof RangeError || error instanceof SyntaxError) {
      throw field.error('invalid_choice', { value: text });
    }
    throw error;
  }
}

/** Django's TypedChoiceField: a ChoiceField whose value goes through `coerce` (`coerce: Number`). */
export class TypedChoiceField<T = string> extends SingleChoiceBase<T> {
  readonly coerce: (value: string) => unknown;
  readonly emptyValue: unknown;

  constructor(options: TypedChoiceFieldOptions<T> = {}) {
    super(options);
    this.coerce = options.coerce ?? ((value: string) => value);
    this.emptyValue = options.emptyValue === undefined ? '' : options.emptyValue;
  }

  override clean(value: unknown): T {
    const text = super.clean(value) as string;
    if (text === this.emptyValue || text === '') return this.emptyValue as T;
    return coerceChoice(this, this.coerce, text) as T;
  }
}

/** MultipleChoiceField and TypedMultipleChoiceField: a list of values, as text. */
abstract class MultipleChoiceBase<T> extends ChoiceFieldBase<T> {
  static override defaultWidget = SelectMultiple;
  static override hiddenWidget = MultipleHiddenInput;
  static override defaultErrorMessages: Record<string, string> = { invalid_list: 'Enter a list of values.' };

  toPython(value: unknown): T {
    if (value === null || value === undefined || value === '' || value === false) return [] as T;
    if (!Array.isArray(value)) throw this.error('invalid_list');
    return value.map((v) => toText(v)) as T;
  }

  override validate(value: T): void {
    const values = value as string[];
    if (this.required && values.length === 0) throw this.error('required');
    for (const item of values) if (!this.validValue(item)) throw this.error('invalid_choice', { value: item });
  }

  override hasChanged(initial: unknown, data: unknown): boolean {
    if (this.disabled) return false;
    const before = Array.isArray(initial) ? initial : initial === null || initial === undefined ? [] : [initial];
    const after = Array.isArray(data) ? data : data === null || data === undefined ? [] : [data];
    if (before.length !== after.length) return true;
    const wanted = new Set(before.map((v) => toText(v)));
    return after.some((v) => !wanted.has(toText(v)));
  }
}

/** Django's MultipleChoiceField: a list of choices, each cleaned to text. */
export class MultipleChoiceField<T extends string = string> extends MultipleChoiceBase<T[]> {
  constructor(options: ChoiceFieldOptions = {}) {
    super(options);
  }
}

/** Django's TypedMultipleChoiceField: each chosen value goes through `coerce`. */
export class TypedMultipleChoiceField<T = string> extends MultipleChoiceBase<T[]> {
  readonly coerce: (value: string) => unknown;
  readonly emptyValue: unknown;

  constructor(options: ChoiceFieldOptions & { coerce?: (value: string) => T; emptyValue?: unknown } = {}) {
    super(options);
    this.coerce = options.coerce ?? ((value: string) => value);
    this.emptyValue = options.emptyValue === undefined ? [] : options.emptyValue;
  }

  override clean(value: unknown): T[] {
    const texts = super.clean(value) as unknown as string[];
    if (texts.length === 0) return this.emptyValue as T[];
    return texts.map((text) => coerceChoice(this, this.coerce, text) as T);
  }
}
