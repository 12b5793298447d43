import { SafeString } from '@manouche/core';
import { formsConfig, type Translator } from '../config';
import type { DataSource, FileSource } from '../data';
import type { FormRenderer } from '../renderers/renderer';
import { type Attrs, checkAttrs } from '../utils/attrs';
import { DATE_INPUT_FORMATS, DATETIME_INPUT_FORMATS, partsInZone, strftime, TIME_INPUT_FORMATS, parseIsoTime } from '../utils/dates';
import { toText } from '../utils/values';

export interface WidgetOptions {
  /** HTML attributes added to the element (`{ class: 'wide', placeholder: 'Title' }`). */
  attrs?: Attrs;
}

/** What a widget's template receives as `it.widget`. */
export interface WidgetData {
  name: string;
  isHidden: boolean;
  required: boolean;
  value: unknown;
  attrs: Attrs;
  templateName: string;
  type?: string;
  [key: string]: unknown;
}

export interface WidgetContext {
  widget: WidgetData;
}

/** How a widget renders: the renderer its template goes through and the translator for the words it prints. */
export interface RenderOptions {
  renderer: FormRenderer;
  translate: Translator;
}

/**
 * Django's Widget: turns a value into HTML (through a template) and reads the
 * submitted value back from the request data.
 */
export abstract class Widget {
  attrs: Attrs;
  /** Set by the field: whether the value is required (drives the `required` attribute). */
  isRequired = false;
  needsMultipartForm = false;
  supportsMicroseconds = true;
  /** Whether the field renders in a <fieldset> with a <legend> (a group of inputs) rather than a <label>. */
  useFieldset = false;
  abstract templateName: string;
  /** The `type` of an <input>. */
  inputType: string | undefined;

  constructor(options: WidgetOptions = {}) {
    this.attrs = checkAttrs(Object.assign({}, options.attrs));
  }

  get isHidden(): boolean {
    return this.inputType === 'hidden';
  }

  /** A copy whose attrs can change without touching this one (fields copy their widget per form instance). */
  clone(): this {
    const copy = Object.create(Object.getPrototypeOf(this) as object) as this;
    Object.assign(copy, this);
    copy.attrs = Object.assign({}, this.attrs);
    return copy;
  }

  /** The value as the element shows it; null renders no value. */
  formatValue(value: unknown): unknown {
    if (value === '' || value === null || value === undefined) return null;
    return toText(value);
  }

  getContext(name: string, value: unknown, attrs: Attrs | undefined, _translate: Translator): WidgetContext {
    return {
      widget: {
        name,
        isHidden: this.isHidden,
        required: this.isRequired,
        value: this.formatValue(value),
        // render-time attrs are checked like constructor ones: a template prints names as given.
        // Object.assign, never a spread: Node 20 takes a slow path (2-4 µs) for `{ ...a, ...b }`,
        // and for a `{ ...a }` that is written to afterwards
        attrs: Object.assign({}, this.attrs, attrs && checkAttrs(attrs)),
        templateName: this.templateName,
        type: this.inputType,
      },
    };
  }

  render(name: string, value: unknown, attrs: Attrs | undefined, options: RenderOptions): SafeString {
    const context = this.getContext(name, value, attrs, options.translate);
    return new SafeString(options.renderer.render(this.templateName, context));
  }

  /** The submitted value for `name`, or undefined when it was not sent. */
  valueFromData(data: DataSource, _files: FileSource, name: string): unknown {
    return data.get(name);
  }

  /** Whether the data lacks this widget's value entirely (a model form then keeps the instance's value). */
  valueOmittedFromData(data: DataSource, _files: FileSource, name: string): boolean {
    return !data.has(name);
  }

  /** The id a <label for> should point at, or '' for none. */
  idForLabel(id: string, _index?: string): string {
    return id;
  }

  useRequiredAttribute(_initial: unknown): boolean {
    return !this.isHidden;
  }
}

export abstract class Input extends Widget {
  templateName = 'forms/widgets/input.eta';
  abstract override inputType: string;
}

export class TextInput extends Input {
  inputType = 'text';
}
export class NumberInput extends Input {
  inputType = 'number';
}
export class EmailInput extends Input {
  inputType = 'email';
}
export class URLInput extends Input {
  inputType = 'url';
}
export class SearchInput extends Input {
  inputType = 'search';
}
export class TelInput extends Input {
  inputType = 'tel';
}
export class ColorInput extends Input {
  inputType = 'color';
}

/** Never sends a submitted password back to the browser unless `renderValue: true`. */
export class PasswordInput extends Input {
  inputType = 'password';
  readonly renderValue: boolean;
  constructor(options: WidgetOptions & { renderValue?: boolean } = {}) {
    super(options);
    this.renderValue = options.renderValue ?? false;
  }
  override getContext(name: string, value: unknown, attrs: Attrs | undefined, translate: Translator): WidgetContext {
    return super.getContext(name, this.renderValue ? value : null, attrs, translate);
  }
}

export class HiddenInput extends Input {
  inputType = 'hidden';
}

/** Several hidden inputs for a list value (a hidden MultipleChoiceField). */
export class MultipleHiddenInput extends HiddenInput {
  override templateName = 'forms/widgets/multiple_hidden.eta';

  override getContext(name: string, value: unknown, attrs: Attrs | undefined, translate: Translator): WidgetContext {
    const context = super.getContext(name, value, attrs, translate);
    const finalAttrs = context.widget.attrs;
    const id = finalAttrs.id;
    const values = context.widget.value as string[];
    context.widget.subwidgets = values.map((item, index) => ({
      name, isHidden: true, required: this.isRequired, value: item, templateName: 'forms/widgets/input.eta', type: 'hidden',
      attrs: Object.assign({}, finalAttrs, id ? { id: `${String(id)}_${index}` } : undefined),
    } satisfies WidgetData));
    return context;
  }

  override formatValue(value: unknown): string[] {
    if (value === null || value === undefined) return [];
    return (Array.isArray(value) ? value : [value]).map((v) => (v === null || v === undefined ? '' : toText(v)));
  }

  override valueFromData(data: DataSource, _files: FileSource, name: string): unknown {
    return data.getList(name);
  }
}

export class Textarea extends Widget {
  templateName = 'forms/widgets/textarea.eta';
  constructor(options: WidgetOptions = {}) {
    super({ attrs: { cols: '40', rows: '10', ...options.attrs } });
  }
}

abstract class DateTimeBaseInput extends TextInput {
  abstract readonly defaultFormats: readonly string[];
  override supportsMicroseconds = false;
  /** strftime format the value shows in (the first input format by default). */
  readonly format: string | undefined;
  /** Zone a Date shows in; the forms default (configureForms) when unset. */
  timeZone: string | undefined;

  constructor(options: WidgetOptions & { format?: string; timeZone?: string } = {}) {
    super(options);
    this.format = options.format;
    this.timeZone = options.timeZone;
  }

  override formatValue(value: unknown): unknown {
    if (value instanceof Date) {
      if (Number.isNaN(value.getTime())) return null;
      return strftime(partsInZone(value, this.timeZone ?? formsConfig.timeZone), this.format ?? this.defaultFormats[0]!);
    }
    return super.formatValue(value);
  }
}

export class DateInput extends DateTimeBaseInput {
  readonly defaultFormats = DATE_INPUT_FORMATS;
}

export class DateTimeInput extends DateTimeBaseInput {
  readonly defaultFormats = DATETIME_INPUT_FORMATS;
}

export class TimeInput extends DateTimeBaseInput {
  readonly defaultFormats = TIME_INPUT_FORMATS;
  override formatValue(value: unknown): unknown {
    // a cleaned TimeField value is 'HH:MM:SS[.ffffff]': show it in the widget's format
    if (typeof value === 'string' && this.format) {
      const parts = parseIsoTime(value);
      if (parts) return strftime(parts, this.format);
    }
    return super.formatValue(value);
  }
}

/**
 * Django's CheckboxInput. An unchecked box is absent from the submitted
 * data, so absence means false, never "not sent".
 */
export class CheckboxInput extends Input {
  inputType = 'checkbox';
  readonly checkTest: (value: unknown) => boolean;

  constructor(options: WidgetOptions & { checkTest?: (value: unknown) => boolean } = {}) {
    super(options);
    this.checkTest = options.checkTest ?? booleanCheck;
  }

  override formatValue(value: unknown): unknown {
    if (value === true || value === false || value === null || value === undefined || value === '') return null;
    return toText(value);
  }

  override getContext(name: string, value: unknown, attrs: Attrs | undefined, translate: Translator): WidgetContext {
    const checked = this.checkTest(value);
    return super.getContext(name, value, checked ? Object.assign({}, attrs, { checked: true }) : attrs, translate);
  }

  override valueFromData(data: DataSource, _files: FileSource, name: string): unknown {
    const value = data.get(name);
    if (value === undefined) return false;
    if (typeof value === 'string') {
      const lower = value.toLowerCase();
      // Django maps only 'true'/'false'; any other non-empty string (even '0') is a ticked box
      if (lower === 'true') return true;
      if (lower === 'false' || lower === '') return false;
    }
    return Boolean(value);
  }

  override valueOmittedFromData(): boolean {
    return false;
  }
}

function booleanCheck(value: unknown): boolean {
  return value !== false && value !== null && value !== undefined && value !== '';
}

/** Django's FileInput: reads the upload from the request's files; never shows a value. */
export class FileInput extends Input {
  inputType = 'file';
  override needsMultipartForm = true;

  override formatValue(): null {
    return null;
  }

  override valueFromData(_data: DataSource, files: FileSource, name: string): unknown {
    return files.get(name);
  }

  override valueOmittedFromData(_data: DataSource, files: FileSource, name: string): boolean {
    return !files.has(name);
  }

  override useRequiredAttribute(initial: unknown): boolean {
    return super.useRequiredAttribute(initial) && !initial;
  }
}

/** Returned by ClearableFileInput when a file is uploaded and "clear" is ticked too. */
export const FILE_INPUT_CONTRADICTION: unique symbol = Symbol('FILE_INPUT_CONTRADICTION');

/** A file already stored (a model's file), shown as a link by ClearableFileInput. */
export interface StoredFileRef {
  name: string;
  url?: string;
}

/**
 * Django's ClearableFileInput: with a current file it shows a link to it, a
 * "clear" checkbox when the field is optional, and the file input.
 */
export class ClearableFileInput extends FileInput {
  override templateName = 'forms/widgets/clearable_file_input.eta';
  clearCheckboxLabel = 'Clear';
  initialText = 'Currently';
  inputText = 'Change';

  clearCheckboxName(name: string): string {
    return `${name}-clear`;
  }

  clearCheckboxId(name: string): string {
    return `${name}_id`;
  }

  override getContext(name: string, value: unknown, attrs: Attrs | undefined, translate: Translator): WidgetContext {
    const context = super.getContext(name, value, attrs, translate);
    const initial = isStoredFile(value) ? value : null;
    const checkboxName = this.clearCheckboxName(name);
    Object.assign(context.widget, {
      checkboxName,
      checkboxId: this.clearCheckboxId(checkboxName),
      isInitial: initial !== null,
      initial: initial && { name: initial.name, url: initial.url ?? '' },
      inputText: translate(this.inputText),
      initialText: translate(this.initialText),
      clearCheckboxLabel: translate(this.clearCheckboxLabel),
    });
    return context;
  }

  override valueFromData(data: DataSource, files: FileSource, name: string): unknown {
    const upload = super.valueFromData(data, files, name);
    if (!this.isRequired && new CheckboxInput().valueFromData(data, files, this.clearCheckboxName(name)) === true) {
      // the user asked for both a new file and no file: say so rather than guess
      if (upload !== undefined) return FILE_INPUT_CONTRADICTION;
      return false;
    }
    return upload;
  }

  override valueOmittedFromData(data: DataSource, files: FileSource, name: string): boolean {
    return super.valueOmittedFromData(data, files, name) && !data.has(this.clearCheckboxName(name));
  }
}

function isStoredFile(value: unknown): value is StoredFileRef {
  if (typeof value === 'string') return false;
  return typeof value === 'object' && value !== null && typeof (value as { name?: unknown }).name === 'string' && typeof (value as { url?: unknown }).url === 'string';
}
