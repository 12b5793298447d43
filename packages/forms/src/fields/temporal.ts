import { checkTimeZone, formsConfig } from '../config';
import {
  DATE_INPUT_FORMATS,
  DATETIME_INPUT_FORMATS,
  type DateParts,
  daysInMonth,
  isoDate,
  isoTime,
  parseIsoDateTime,
  parseWithFormats,
  partsInZone,
  TIME_INPUT_FORMATS,
  zonedTimeToDate,
} from '../utils/dates';
import { durationString, MAX_DURATION_DAYS, parseDuration } from '../utils/duration';
import { toText } from '../utils/values';
import { DateInput, DateTimeInput, TimeInput, type Widget } from '../widgets/widget';
import { Field, type FieldOptions } from './field';

export interface TemporalFieldOptions extends FieldOptions {
  /** strptime formats tried in order (Django's input_formats); Django's defaults otherwise. */
  inputFormats?: readonly string[];
}

abstract class TemporalField<T> extends Field<T> {
  readonly inputFormats: readonly string[];

  constructor(options: TemporalFieldOptions, defaults: readonly string[]) {
    super(options);
    this.inputFormats = options.inputFormats ?? defaults;
  }

  protected text(value: unknown): string {
    return toText(Array.isArray(value) ? value[value.length - 1] : value).trim();
  }

  protected parse(text: string): DateParts | null {
    return parseWithFormats(text, this.inputFormats);
  }
}

const CANONICAL_DATE = /^\d{4}-\d\d-\d\d$/;

/** Django's DateField. The cleaned value is `'YYYY-MM-DD'`, as the ORM's DateField holds a date. */
export class DateField<T extends string | null = string> extends TemporalField<T> {
  static override defaultWidget = DateInput;
  static override defaultErrorMessages: Record<string, string> = { invalid: 'Enter a valid date.' };

  constructor(options: TemporalFieldOptions = {}) {
    super(options, DATE_INPUT_FORMATS);
  }

  toPython(value: unknown): T {
    if (value === null || value === undefined || value === '') return null as T;
    // a Date from a plain-object binding: its calendar date in UTC
    if (value instanceof Date) {
      if (Number.isNaN(value.getTime())) throw this.error('invalid', { value });
      return isoDate(partsInZone(value, 'UTC')) as T;
    }
    const text = this.text(value);
    if (text === '') return null as T;
    // the common case, already in the cleaned form: skip strptime
    if (this.inputFormats[0] === '%Y-%m-%d' && CANONICAL_DATE.test(text)) {
      const year = Number(text.slice(0, 4));
      const month = Number(text.slice(5, 7));
      const day = Number(text.slice(8));
      if (year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)) return text as T;
      throw this.error('invalid', { value: text });
    }
    const parts = this.parse(text);
    if (!parts) throw this.error('invalid', { value: text });
    return isoDate(parts) as T;
  }
}

/** Django's TimeField. The cleaned value is `'HH:MM:SS'` (with `.ffffff` when there are microseconds). */
export class TimeField<T extends string | null = string> extends TemporalField<T> {
  static override defaultWidget = TimeInput;
  static override defaultErrorMessages: Record<string, string> = { invalid: 'Enter a valid time.' };

  constructor(options: TemporalFieldOptions = {}) {
    super(options, TIME_INPUT_FORMATS);
  }

  toPython(value: unknown): T {
    if (value === null || value === undefined || value === '') return null as T;
    const text = this.text(value);
    if (text === '') return null as T;
    const parts = this.parse(text);
    if (!parts) throw this.error('invalid', { value: text });
    return isoTime(parts) as T;
  }
}

export interface DateTimeFieldOptions extends TemporalFieldOptions {
  /** IANA zone of a date-time typed without an offset; the forms default (configureForms, "UTC") when unset. */
  timeZone?: string;
}

/**
 * Django's DateTimeField: the input formats (and every DateField format, at
 * midnight), then ISO 8601 with an optional offset. A time without an offset
 * is read in `timeZone`. The cleaned value is a Date.
 */
export class DateTimeField<T extends Date | null = Date> extends TemporalField<T> {
  static override defaultWidget = DateTimeInput;
  static override defaultErrorMessages: Record<string, string> = { invalid: 'Enter a valid date/time.' };
  readonly timeZone: string | undefined;

  constructor(options: DateTimeFieldOptions = {}) {
    super(options, [...DATETIME_INPUT_FORMATS, ...DATE_INPUT_FORMATS]);
    if (options.timeZone !== undefined) checkTimeZone(options.timeZone);
    this.timeZone = options.timeZone;
  }

  protected override setupWidget(widget: Widget): void {
    super.setupWidget(widget);
    if (widget instanceof DateTimeInput && widget.timeZone === undefined && this.timeZone !== undefined) widget.timeZone = this.timeZone;
  }

  toPython(value: unknown): T {
    if (value === null || value === undefined || value === '') return null as T;
    if (value instanceof Date) {
      if (Number.isNaN(value.getTime())) throw this.error('invalid', { value });
      return value as T;
    }
    const text = this.text(value);
    if (text === '') return null as T;
    const zone = this.timeZone ?? formsConfig.timeZone;
    const parts = this.parse(text);
    if (parts) return zonedTimeToDate(parts, zone) as T;
    const iso = parseIsoDateTime(text);
    if (!iso) throw this.error('invalid', { value: text });
    if (iso.offsetMinutes === null) return zonedTimeToDate(iso.parts, zone) as T;
    return new Date(zonedTimeToDate(iso.parts, 'UTC').getTime() - iso.offsetMinutes * 60_000) as T;
  }
}

/**
 * Django's DurationField: `"3 01:02:03.5"`, `"01:02"`, ISO 8601 (`"P3DT1H"`)
 * or PostgreSQL's `"3 days 01:02:03"`. The cleaned value is a number of
 * milliseconds.
 */
export class DurationField<T extends number | null = number> extends Field<T> {
  static override defaultErrorMessages: Record<string, string> = {
    invalid: 'Enter a valid duration.',
    overflow: 'The number of days must be between %(min_days)s and %(max_days)s.',
  };

  toPython(value: unknown): T {
    if (value === null || value === undefined || value === '') return null as T;
    if (typeof value === 'number') return this.checkRange(value) as T;
    const text = toText(Array.isArray(value) ? value[value.length - 1] : value).trim();
    if (text === '') return null as T;
    const milliseconds = parseDuration(text);
    if (milliseconds === null) throw this.error('invalid', { value: text });
    return this.checkRange(milliseconds) as T;
  }

  private checkRange(milliseconds: number): number {
    if (!Number.isFinite(milliseconds) || Math.abs(milliseconds) / 86_400_000 > MAX_DURATION_DAYS) {
      throw this.error('overflow', { min_days: -MAX_DURATION_DAYS, max_days: MAX_DURATION_DAYS });
    }
    return milliseconds;
  }

  override prepareValue(value: unknown): unknown {
    return typeof value === 'number' ? durationString(value) : value;
  }
}
