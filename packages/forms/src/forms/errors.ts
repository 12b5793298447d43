import { escapeHtml, formatMessage, SafeString, type ValidationError } from '@manouche/core';
import type { Translator } from '../config';
import type { FormRenderer } from '../renderers/renderer';

export interface ErrorListOptions {
  /** CSS class(es) after `errorlist` (`nonfield` for form-wide errors). */
  errorClass?: string;
  /** The field's id: the list gets `id="<fieldId>_error"`, which the input's aria-describedby points at. */
  fieldId?: string;
  renderer: FormRenderer;
  translate: Translator;
}

/** What the error list template receives. */
export interface ErrorListContext {
  errors: string[];
  errorClass: string;
  /** `id` of the <ul>, or '' for none. */
  errorId: string;
}

/**
 * Django's ErrorList: a field's (or the form's) errors, as data
 * (`asData()`, `getJsonData()`), text, or an HTML `<ul class="errorlist">`
 * in which every message is escaped.
 */
export class ErrorList implements Iterable<string> {
  readonly errorClass: string;
  readonly fieldId: string;
  private readonly renderer: FormRenderer;
  private readonly translate: Translator;

  constructor(readonly data: ValidationError[], options: ErrorListOptions) {
    this.errorClass = options.errorClass ? `errorlist ${options.errorClass}` : 'errorlist';
    this.fieldId = options.fieldId ?? '';
    this.renderer = options.renderer;
    this.translate = options.translate;
  }

  get length(): number {
    return this.data.length;
  }

  /** The messages, translated, with their `%(name)s` parameters filled in. */
  get messages(): string[] {
    // rendering asks several times (the list, aria attributes): compute once per content
    if (this.cached && this.cached.length === this.data.length) return this.cached.messages;
    const messages = this.data.map((error) => {
      const text = this.translate(error.rawMessage ?? error.message);
      return error.params && text.includes('%(') ? formatMessage(text, error.params) : text;
    });
    this.cached = { length: this.data.length, messages };
    return messages;
  }

  private cached: { length: number; messages: string[] } | undefined;

  [Symbol.iterator](): Iterator<string> {
    return this.messages[Symbol.iterator]();
  }

  asData(): ValidationError[] {
    return [...this.data];
  }

  getJsonData(): { message: string; code: string }[] {
    const messages = this.messages;
    return this.data.map((error, i) => ({ message: messages[i]!, code: error.code ?? '' }));
  }

  asJson(): string {
    return JSON.stringify(this.getJsonData());
  }

  asText(): string {
    return this.messages.map((m) => `* ${m}`).join('\n');
  }

  getContext(): ErrorListContext {
    return { errors: this.messages, errorClass: this.errorClass, errorId: this.fieldId ? `${this.fieldId}_error` : '' };
  }

  /** `<ul class="errorlist" id="id_title_error"><li>…</li></ul>`, or nothing when there are no errors. */
  asUl(): SafeString {
    if (this.data.length === 0) return new SafeString('');
    return new SafeString(this.renderer.render('forms/errors/list/ul.eta', this.getContext()));
  }

  toString(): string {
    return this.asUl().value;
  }

  toJSON(): string[] {
    return this.messages;
  }
}

/**
 * Django's ErrorDict: errors by field name, `__all__` for the form's own.
 * `get(name)` gives the field's ErrorList.
 */
export class ErrorDict {
  private readonly lists = new Map<string, ErrorList>();

  constructor(private readonly makeList: (field: string) => ErrorList) {}

  get size(): number {
    return this.lists.size;
  }

  has(field: string): boolean {
    return this.lists.has(field);
  }

  get(field: string): ErrorList | undefined {
    return this.lists.get(field);
  }

  keys(): IterableIterator<string> {
    return this.lists.keys();
  }

  entries(): IterableIterator<[string, ErrorList]> {
    return this.lists.entries();
  }

  /** Add errors to `field`'s list, creating it. */
  add(field: string, errors: ValidationError[]): void {
    let list = this.lists.get(field);
    if (!list) {
      list = this.makeList(field);
      this.lists.set(field, list);
    }
    list.data.push(...errors);
  }

  asData(): Record<string, ValidationError[]> {
    const out: Record<string, ValidationError[]> = {};
    for (const [field, list] of this.lists) out[field] = list.asData();
    return out;
  }

  getJsonData(): Record<string, { message: string; code: string }[]> {
    const out: Record<string, { message: string; code: string }[]> = {};
    for (const [field, list] of this.lists) out[field] = list.getJsonData();
    return out;
  }

  asJson(): string {
    return JSON.stringify(this.getJsonData());
  }

  /** `{ field: [messages] }`. */
  toJSON(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const [field, list] of this.lists) out[field] = list.messages;
    return out;
  }

  asText(): string {
    return [...this.lists].map(([field, list]) => `* ${field}\n${list.messages.map((m) => `  * ${m}`).join('\n')}`).join('\n');
  }

  /** Django's ErrorDict.as_ul(): each field's list under its name, all escaped. */
  asUl(): SafeString {
    if (this.lists.size === 0) return new SafeString('');
    let out = '<ul class="errorlist">';
    for (const [field, list] of this.lists) out += `<li>${escapeHtml(field)}${list.asUl().value}</li>`;
    return new SafeString(`${out}</ul>`);
  }

  toString(): string {
    return this.asUl().value;
  }
}
