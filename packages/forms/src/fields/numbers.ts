import { DecimalValidator, MaxValueValidator, MinValueValidator, StepValueValidator } from '@manouche/core';
import type { Attrs } from '../utils/attrs';
import { decimalStep, normalizeDecimal } from '../utils/decimal';
import { toText } from '../utils/values';
import { NumberInput, type Widget } from '../widgets/widget';
import { Field, type FieldOptions } from './field';

export interface NumberFieldOptions extends FieldOptions {
  maxValue?: number;
  minValue?: number;
  /** The value must be a multiple of this (from minValue when given, as in Django 5). */
  stepSize?: number;
}

/** What the three number fields share: limits as validators and as min/max/step attributes. */
abstract class NumberFieldBase<T> extends Field<T> {
  static override defaultWidget = NumberInput;
  maxValue: number | undefined;
  minValue: number | undefined;
  stepSize: number | undefined;

  constructor(options: NumberFieldOptions) {
    super(options);
    this.maxValue = options.maxValue;
    this.minValue = options.minValue;
    this.stepSize = options.stepSize;
    if (this.maxValue !== undefined) this.validators.push(new MaxValueValidator(this.maxValue));
    if (this.minValue !== undefined) this.validators.push(new MinValueValidator(this.minValue));
    if (this.stepSize !== undefined) this.validators.push(new StepValueValidator(this.stepSize, this.minValue ?? 0));
  }

  override widgetAttrs(widget: Widget): Attrs {
    const attrs: Attrs = {};
    if (!(widget instanceof NumberInput)) return attrs;
    if (this.minValue !== undefined) attrs.min = String(this.minValue);
    if (this.maxValue !== undefined) attrs.max = String(this.maxValue);
    const step = this.defaultStep();
    if (this.stepSize !== undefined) attrs.step = String(this.stepSize);
    else if (step !== undefined) attrs.step = step;
    return attrs;
  }

  protected defaultStep(): string | undefined {
    return undefined;
  }

  /** The submitted text, trimmed; arrays (a plain object binding) give their last item. */
  protected text(value: unknown): string {
    const item = Array.isArray(value) ? value[value.length - 1] : value;
    return toText(item).trim();
  }
}

const WHOLE = /^[+-]?\d+$/;

/** Django's IntegerField: "12", "12.0" and " 12 " are 12; "12.5" is refused. */
export class IntegerField<T extends number | null = number> extends NumberFieldBase<T> {
  static override defaultErrorMessages: Record<string, string> = { invalid: 'Enter a whole number.' };

  constructor(options: NumberFieldOptions = {}) {
    super(options);
  }

  toPython(value: unknown): T {
    if (value === null || value === undefined || value === '') return null as T;
    if (typeof value === 'number') {
      if (!Number.isInteger(value)) throw this.error('invalid', { value });
      return value as T;
    }
    // Django strips a trailing ".0" before int()
    const text = this.text(value).replace(/\.0*\s*$/, '');
    if (text === '') return null as T;
    if (!WHOLE.test(text)) throw this.error('invalid', { value });
    const number = Number(text);
    if (!Number.isSafeInteger(number)) throw this.error('invalid', { value });
    return number as T;
  }
}

// unambiguous, so a long string that fails does not backtrack quadratically
const FLOAT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;

/** Django's FloatField: any finite number. */
export class FloatField<T extends number | null = number> extends NumberFieldBase<T> {
  static override defaultErrorMessages: Record<string, string> = { invalid: 'Enter a number.' };

  constructor(options: NumberFieldOptions = {}) {
    super(options);
  }

  toPython(value: unknown): T {
    if (value === null || value === undefined || value === '') return null as T;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw this.error('invalid', { value });
      return value as T;
    }
    const text = this.text(value);
    if (text === '') return null as T;
    // Number() would accept "0x10", "1_0" is Python-only, and Infinity is refused by Django's validate()
    if (!FLOAT.test(text)) throw this.error('invalid', { value });
    const number = Number(text);
    if (!Number.isFinite(number)) throw this.error('invalid', { value });
    return number as T;
  }

  protected override defaultStep(): string {
    return 'any';
  }
}

export interface DecimalFieldOptions extends NumberFieldOptions {
  maxDigits?: number;
  decimalPlaces?: number;
}

/**
 * Django's DecimalField. The cleaned value is a decimal string (`'12.50'`,
 * exponent expanded, trailing zeros kept), as the ORM's DecimalField holds
 * it — never a float that would lose digits.
 */
export class DecimalField<T extends string | null = string> extends NumberFieldBase<T> {
  static override defaultErrorMessages: Record<string, string> = { invalid: 'Enter a number.' };
  readonly maxDigits: number | undefined;
  readonly decimalPlaces: number | undefined;

  constructor(options: DecimalFieldOptions = {}) {
    super(options);
    this.maxDigits = options.maxDigits;
    this.decimalPlaces = options.decimalPlaces;
    this.validators.push(new DecimalValidator(this.maxDigits ?? null, this.decimalPlaces ?? null));
  }

  toPython(value: unknown): T {
    if (value === null || value === undefined || value === '') return null as T;
    const text = this.text(value);
    if (text === '') return null as T;
    const decimal = normalizeDecimal(text);
    if (decimal === null) throw this.error('invalid', { value });
    return decimal as T;
  }

  protected override defaultStep(): string {
    return this.decimalPlaces !== undefined ? decimalStep(this.decimalPlaces) : 'any';
  }
}
