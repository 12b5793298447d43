import { isPromise, SafeString, ValidationError } from '@manouche/core';
import { formsConfig, type Translator } from '../config';
import { type DataSource, type FileSource, type FilesInput, type FormDataInput, toDataSource, toFileSource } from '../data';
import { type CleanedValue, Field } from '../fields/field';
import { defaultRenderer } from '../renderers/default';
import type { FormRenderer } from '../renderers/renderer';
import type { RenderOptions } from '../widgets/widget';
import { BoundField } from './bound-field';
import { ErrorDict, ErrorList } from './errors';

export type FieldMap = Record<string, Field<unknown>>;

/** The cleaned data a form declaration produces, typed field by field. */
export type CleanedData<F extends FieldMap> = { [K in keyof F]: CleanedValue<F[K]> };

/** Key of the errors that belong to the form rather than a field (Django's NON_FIELD_ERRORS). */
export const NON_FIELD_ERRORS = '__all__';

export interface FormOptions<F extends FieldMap = FieldMap> {
  /** Submitted values: `await request.form()`, URLSearchParams, or a plain object. A form with data (or files) is bound. */
  data?: FormDataInput | null;
  /** Uploaded files: `await request.files()` or `{ avatar: uploadedFile }`. */
  files?: FilesInput | null;
  /** Pattern of input ids (`'id_%s'`, the default); false for no ids (and no <label for>). */
  autoId?: string | false;
  /** Prefix of every input name (`prefix-name`), for several forms in one <form>. */
  prefix?: string;
  /** Values an unbound form shows, over the fields' own initial values. */
  initial?: { [K in keyof F]?: unknown } & Record<string, unknown>;
  /** Appended to labels (":" by default). */
  labelSuffix?: string;
  /** Skip validation when nothing was changed (extra forms in a formset). */
  emptyPermitted?: boolean;
  /** Field names in the order to render them; others follow. */
  fieldOrder?: readonly string[];
  /** Add `required` to the inputs of required fields (default true). */
  useRequiredAttribute?: boolean;
  renderer?: FormRenderer;
  /** Translates messages for this form (e.g. the request's language). */
  translator?: Translator;
}

/** Thrown when a form is used wrongly (a programming error, not bad input). */
export class FormError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FormError';
  }
}

/** What the form templates receive. */
export interface FormContext {
  form: BaseForm;
  /** Visible fields with their errors. */
  fields: { field: BoundField; errors: ErrorList }[];
  hiddenFields: BoundField[];
  /** The form's own errors and those of hidden fields. */
  errors: ErrorList;
}

/** A request whose body a form can be bound to (core's HttpRequest). */
export interface RequestLike {
  method: string;
  form(): Promise<FormDataInput>;
  files(): Promise<FilesInput>;
}

/** `title` → `cleanTitle`. */
function hookName(field: string): string {
  return `clean${field.charAt(0).toUpperCase()}${field.slice(1)}`;
}

type Hook = (this: BaseForm, value: unknown, data: Record<string, unknown>) => unknown;

interface PlanEntry {
  name: string;
  field: Field<unknown>;
  hook: Hook | null;
  /** The field keeps Field's clean(): the form may call cleanOrError(), which throws nothing. */
  plain: boolean;
}

/** Each form class's fields and hooks in validation order, computed at its first validation. */
const planCache = new WeakMap<object, PlanEntry[]>();

/** Class-level settings (Django's class attributes), set by defineForm() or a subclass. */
export interface FormClassSettings {
  prefix?: string;
  fieldOrder?: readonly string[];
  labelSuffix?: string;
  useRequiredAttribute?: boolean;
  errorCssClass?: string;
  requiredCssClass?: string;
  renderer?: FormRenderer;
  /** Template of `render()`/`String(form)`; the renderer's (div) by default. */
  templateName?: string;
  templateNameDiv?: string;
  templateNameP?: string;
  templateNameTable?: string;
  templateNameUl?: string;
  /** Template of each field group. */
  fieldTemplateName?: string;
}

/**
 * Django's BaseForm: binds data, validates it field by field and then as a
 * whole, and renders itself. Declare forms with defineForm().
 */
export class BaseForm<F extends FieldMap = FieldMap> {
  static baseFields: FieldMap = {};
  static settings: FormClassSettings = {};

  readonly isBound: boolean;
  readonly data: DataSource;
  readonly files: FileSource;
  readonly autoId: string | false;
  readonly prefix: string | undefined;
  readonly initial: Record<string, unknown>;
  private readonly labelSuffixOption: string | undefined;
  readonly emptyPermitted: boolean;
  readonly useRequiredAttribute: boolean;
  readonly renderer: FormRenderer;
  readonly translate: Translator;
  private renderOptionsCache: RenderOptions | undefined;
  errorCssClass: string | undefined;
  requiredCssClass: string | undefined;
  templateName: string | undefined;
  fieldTemplateName: string | undefined;

  private ownFields: F | undefined;
  private names: readonly string[];
  private errorsDict: ErrorDict | undefined;
  private cleaned: Record<string, unknown> | undefined;
  private pending: Promise<boolean> | undefined;
  private boundFields: Map<string, BoundField> | undefined;

  constructor(options: FormOptions<F> = {}) {
    const settings = (this.constructor as typeof BaseForm).settings;
    this.isBound = (options.data !== null && options.data !== undefined) || (options.files !== null && options.files !== undefined);
    this.data = toDataSource(options.data);
    this.files = toFileSource(options.files);
    this.autoId = options.autoId ?? 'id_%s';
    this.prefix = options.prefix ?? settings.prefix;
    this.initial = options.initial ?? {};
    this.translate = options.translator ?? formsConfig.translator;
    this.labelSuffixOption = options.labelSuffix ?? settings.labelSuffix;
    this.emptyPermitted = options.emptyPermitted ?? false;
    this.useRequiredAttribute = options.useRequiredAttribute ?? settings.useRequiredAttribute ?? true;
    this.renderer = options.renderer ?? settings.renderer ?? formsConfig.renderer ?? defaultRenderer;
    this.errorCssClass = settings.errorCssClass;
    this.requiredCssClass = settings.requiredCssClass;
    this.templateName = settings.templateName;
    this.fieldTemplateName = settings.fieldTemplateName;
    if (this.emptyPermitted && this.useRequiredAttribute) {
      throw new FormError('The emptyPermitted and useRequiredAttribute options cannot both be true: the browser would demand fields the server lets stay empty.');
    }
    this.names = (this.constructor as typeof BaseForm).fieldNames();
    const order = options.fieldOrder ?? settings.fieldOrder;
    if (order) this.orderFields(order);
  }

  /** Appended to labels: the option, else the translated ":". */
  get labelSuffix(): string {
    return this.labelSuffixOption ?? this.translate(':');
  }

  /** What widgets render with. */
  get renderOptions(): RenderOptions {
    return (this.renderOptionsCache ??= { renderer: this.renderer, translate: this.translate });
  }

  /** Field names of the class, in declaration order, computed once. */
  private static fieldNames(): readonly string[] {
    if (!Object.hasOwn(this, 'cachedNames')) Object.defineProperty(this, 'cachedNames', { value: Object.freeze(Object.keys(this.baseFields)) });
    return (this as unknown as { cachedNames: readonly string[] }).cachedNames;
  }

  /** Bind to a request: its POST body and files for POST/PUT/PATCH, unbound otherwise (Django's `Form(request.POST or None, request.FILES or None)`). */
  static async fromRequest<T extends BaseForm>(this: new (options?: FormOptions) => T, request: RequestLike, options: Omit<FormOptions, 'data' | 'files'> = {}): Promise<T> {
    if (request.method !== 'POST' && request.method !== 'PUT' && request.method !== 'PATCH') return new this(options);
    const [data, files] = await Promise.all([request.form(), request.files()]);
    return new this(Object.assign({}, options, { data, files }));
  }

  /**
   * The form's own copy of its fields (Django deep-copies base_fields per
   * instance). Made on first access, so a form that only validates never
   * copies; change it to set choices or querysets per request.
   */
  get fields(): F {
    if (!this.ownFields) {
      const base = (this.constructor as typeof BaseForm).baseFields;
      const copy = {} as Record<string, Field<unknown>>;
      for (const name of this.names) copy[name] = base[name]!.clone();
      this.ownFields = copy as F;
      // bound fields made before the copy point at the class's fields
      this.boundFields = undefined;
    }
    return this.ownFields;
  }

  /** The fields as validation and rendering see them. */
  private currentFields(): FieldMap {
    return this.ownFields ?? (this.constructor as typeof BaseForm).baseFields;
  }

  /** Add (or replace) a field on this instance, e.g. a formset's DELETE/ORDER fields. */
  addField(name: string, field: Field<unknown>): void {
    (this.fields as FieldMap)[name] = field;
    if (!this.names.includes(name)) this.names = [...this.names, name];
    this.boundFields?.delete(name);
  }

  /** Reorder the fields; names not listed keep their order after the listed ones. */
  orderFields(order: readonly string[]): void {
    const listed = order.filter((name) => this.names.includes(name));
    this.names = [...listed, ...this.names.filter((name) => !listed.includes(name))];
  }

  get fieldNames(): readonly string[] {
    return this.names;
  }

  /** The bound field `name`: label, widget, errors, help text (Django's `form['title']`). */
  field(name: keyof F & string): BoundField;
  field(name: string): BoundField;
  field(name: string): BoundField {
    let bound = this.boundFields?.get(name);
    if (!bound) {
      const field = this.currentFields()[name];
      if (!field || !this.names.includes(name)) {
        throw new FormError(`Key ${JSON.stringify(name)} not found in ${this.constructor.name || 'Form'}. Choices are: ${this.names.join(', ')}.`);
      }
      bound = new BoundField(this, field, name);
      (this.boundFields ??= new Map()).set(name, bound);
    }
    return bound;
  }

  *[Symbol.iterator](): IterableIterator<BoundField> {
    for (const name of this.names) yield this.field(name);
  }

  visibleFields(): BoundField[] {
    return this.names.map((name) => this.field(name)).filter((f) => !f.isHidden);
  }

  hiddenFields(): BoundField[] {
    return this.names.map((name) => this.field(name)).filter((f) => f.isHidden);
  }

  /** The input id of a field: `id_<prefixed name>` by default, '' when autoId is false. */
  autoIdFor(name: string): string {
    const autoId = this.autoId;
    if (!autoId) return '';
    const htmlName = this.addPrefix(name);
    return autoId.includes('%s') ? autoId.replace('%s', htmlName) : htmlName;
  }

  addPrefix(name: string): string {
    return this.prefix ? `${this.prefix}-${name}` : name;
  }

  /** The initial value of a field: the form's `initial`, else the field's; a function is called. */
  getInitialForField(field: Field<unknown>, name: string): unknown {
    const value = Object.hasOwn(this.initial, name) ? this.initial[name] : field.initial;
    return typeof value === 'function' ? (value as () => unknown)() : value;
  }

  /** Whether the form needs `enctype="multipart/form-data"`. */
  isMultipart(): boolean {
    const fields = this.currentFields();
    return this.names.some((name) => fields[name]!.widget.needsMultipartForm);
  }

  // ---- validation -------------------------------------------------------

  /**
   * Validate (once) and answer whether the form is bound and without errors.
   * Throws a FormError when validation needs to wait (an ImageField reading
   * the file, an async clean hook, a model form's unique checks): use
   * `await form.validate()` for those.
   */
  isValid(): boolean {
    if (this.errorsDict === undefined) this.fullCleanSync();
    return this.isBound && this.errorsDict!.size === 0;
  }

  /** Validate (once), waiting for asynchronous checks; the same answer as isValid(). */
  validate(): Promise<boolean> {
    if (this.pending) return this.pending;
    if (this.errorsDict !== undefined) return Promise.resolve(this.isBound && this.errorsDict.size === 0);
    this.pending = this.fullCleanAsync().then(() => this.isBound && this.errorsDict!.size === 0);
    return this.pending;
  }

  /** Errors by field (`__all__` for the form's own); validates first if needed. */
  get errors(): ErrorDict {
    if (this.errorsDict === undefined) this.fullCleanSync();
    return this.errorsDict!;
  }

  /** The errors of one field as a list (empty when none). */
  errorsFor(name: string): ErrorList {
    const list = this.isBound ? this.errors.get(name) : undefined;
    if (list) return list;
    // one shared, frozen empty list: rendering asks every field for its errors
    return name === NON_FIELD_ERRORS ? this.makeErrorList(name) : (this.noErrors ??= new ErrorList(Object.freeze([]) as unknown as ValidationError[], { renderer: this.renderer, translate: this.translate }));
  }

  private noErrors: ErrorList | undefined;

  nonFieldErrors(): ErrorList {
    return this.errorsFor(NON_FIELD_ERRORS);
  }

  hasError(field: string, code?: string): boolean {
    const list = this.errors.get(field);
    if (!list) return false;
    return code === undefined || list.data.some((e) => e.code === code);
  }

  /**
   * The validated values, typed from the field declarations. Valid after
   * isValid()/validate(); for an invalid form it holds only the fields that
   * passed, as in Django.
   */
  get cleanedData(): CleanedData<F> {
    if (this.cleaned === undefined) {
      if (this.isBound && this.errorsDict === undefined) this.fullCleanSync();
      if (this.cleaned === undefined) throw new FormError(this.isBound ? 'cleanedData is not available yet: validation is still running (await form.validate()).' : 'An unbound form has no cleanedData: bind it to data first.');
    }
    return this.cleaned as CleanedData<F>;
  }

  /**
   * Add an error to a field (or the form, with `null`), and drop the field
   * from cleanedData. A ValidationError with a dict of fields goes to each.
   */
  addError(field: (keyof F & string) | null, error: ValidationError | string | string[]): void {
    const validation = error instanceof ValidationError ? error : new ValidationError(error);
    if (!validation.errorDict) {
      this.addErrorsTo(field ?? NON_FIELD_ERRORS, validation.errorList);
      return;
    }
    if (field !== null) throw new TypeError('The argument `field` must be null when the `error` argument contains errors for multiple fields.');
    for (const [name, list] of Object.entries(validation.errorDict)) this.addErrorsTo(name, list);
  }

  private addErrorsTo(name: string, list: ValidationError[]): void {
    if (name !== NON_FIELD_ERRORS && !this.names.includes(name)) {
      throw new FormError(`${this.constructor.name || 'Form'} has no field named ${JSON.stringify(name)}.`);
    }
    this.errors.add(name, list);
    if (this.cleaned && Object.hasOwn(this.cleaned, name)) delete this.cleaned[name];
  }


  private makeErrorList(field: string): ErrorList {
    if (field === NON_FIELD_ERRORS) return new ErrorList([], { errorClass: 'nonfield', renderer: this.renderer, translate: this.translate });
    return new ErrorList([], { fieldId: this.autoIdFor(field), renderer: this.renderer, translate: this.translate });
  }

  /** What full_clean() walks: each field with its clean hook, resolved once per class. */
  private plan(): PlanEntry[] {
    const ctor = this.constructor as typeof BaseForm;
    const shared = this.ownFields === undefined && this.names === ctor.fieldNames();
    if (shared) {
      const cached = planCache.get(ctor);
      if (cached) return cached;
    }
    const fields = this.currentFields();
    const proto = Object.getPrototypeOf(this) as Record<string, unknown>;
    const plan = this.names.map((name): PlanEntry => {
      const candidate = proto[hookName(name)];
      const field = fields[name]!;
      return { name, field, hook: typeof candidate === 'function' ? (candidate as Hook) : null, plain: field.clean === Field.prototype.clean };
    });
    if (shared) planCache.set(ctor, plan);
    return plan;
  }

  /** Start a validation run: fresh errors and data; null when there is nothing to validate. */
  private startClean(): { plan: PlanEntry[]; cleaned: Record<string, unknown> } | null {
    this.errorsDict = new ErrorDict((field) => this.makeErrorList(field));
    if (!this.isBound) return null;
    const cleaned: Record<string, unknown> = {};
    this.cleaned = cleaned;
    if (this.emptyPermitted && !this.hasChanged()) return null;
    return { plan: this.plan(), cleaned };
  }

  /**
   * Django's full_clean(), run to the end when every check answers at once.
   * A check answering with a promise cannot be waited for here: stop, and
   * point at validate().
   */
  private fullCleanSync(): void {
    const run = this.startClean();
    if (!run) return;
    for (const entry of run.plan) {
      const pending = this.cleanEntry(entry, run.cleaned, false);
      if (pending) this.refuseAsync(pending);
    }
    const pending = this.cleanForm(run.cleaned, false);
    if (pending) this.refuseAsync(pending);
  }

  /** full_clean() waiting for asynchronous checks: the same steps as fullCleanSync(). */
  private async fullCleanAsync(): Promise<void> {
    const run = this.startClean();
    if (!run) return;
    for (const entry of run.plan) {
      const pending = this.cleanEntry(entry, run.cleaned, true);
      if (pending) await pending;
    }
    const pending = this.cleanForm(run.cleaned, true);
    if (pending) await pending;
  }

  private refuseAsync(pending: Promise<unknown>): never {
    pending.catch(() => undefined);
    this.errorsDict = undefined;
    this.cleaned = undefined;
    throw new FormError(`${this.constructor.name || 'This form'} validates asynchronously (${this.asyncReason ?? 'an asynchronous check'}): use \`await form.validate()\` instead of isValid()/errors/cleanedData before it.`);
  }

  private asyncReason: string | undefined;

  /**
   * Clean one field, then run its clean<Field> hook. Returns a promise only
   * when a step must wait: in async mode the promise carries on from there;
   * otherwise it is the pending step itself, for the caller to refuse.
   */
  private cleanEntry(entry: PlanEntry, cleaned: Record<string, unknown>, async: boolean): Promise<unknown> | undefined {
    const { name, field } = entry;
    const submitted = field.disabled ? this.getInitialForField(field, name) : field.widget.valueFromData(this.data, this.files, this.prefix ? this.addPrefix(name) : name);
    const initial = field.readsFiles && !field.disabled ? this.getInitialForField(field, name) : undefined;
    // A ValidationError is data, yet creating one captures a stack trace: measured, that was two
    // thirds of validating a form with errors. Capture is off while fields clean; a bug (any other
    // error) is reproduced with it back on, so it still says where it happened.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    let value: unknown;
    try {
      value = entry.plain ? field.cleanOrError(submitted) : field.clean(submitted, initial);
    } catch (error) {
      Error.stackTraceLimit = limit;
      if (error instanceof ValidationError) return this.fieldError(name, error);
      if (entry.plain) field.cleanOrError(submitted);
      else field.clean(submitted, initial);
      throw error;
    } finally {
      Error.stackTraceLimit = limit;
    }
    if (value instanceof ValidationError) return this.fieldError(name, value);
    if (isPromise(value)) {
      this.asyncReason = `the field ${JSON.stringify(name)} (${field.constructor.name}) checks the uploaded file or the database`;
      return async ? value.then((v) => this.runHook(entry, v, cleaned, true), (error: unknown) => this.fieldError(name, error)) : value;
    }
    return this.runHook(entry, value, cleaned, async);
  }

  private runHook(entry: PlanEntry, value: unknown, cleaned: Record<string, unknown>, async: boolean): Promise<unknown> | undefined {
    cleaned[entry.name] = value;
    if (entry.hook === null) return undefined;
    let result: unknown;
    try {
      result = entry.hook.call(this as unknown as BaseForm, value, cleaned);
    } catch (error) {
      return this.fieldError(entry.name, error);
    }
    if (!isPromise(result)) {
      cleaned[entry.name] = result;
      return undefined;
    }
    this.asyncReason = `${hookName(entry.name)}() returned a promise`;
    if (!async) return result;
    return result.then((v) => {
      cleaned[entry.name] = v;
    }, (error: unknown) => this.fieldError(entry.name, error));
  }

  /** A ValidationError becomes errors of `name` (the form's with null); anything else is a bug and propagates. */
  private fieldError(name: string | null, error: unknown): undefined {
    if (!(error instanceof ValidationError)) throw error;
    this.addError(name as (keyof F & string) | null, error);
    return undefined;
  }

  /** clean(), then postClean(); each may answer with a promise. */
  private cleanForm(cleaned: Record<string, unknown>, async: boolean): Promise<unknown> | undefined {
    let result: unknown;
    try {
      result = this.clean(cleaned as Partial<CleanedData<F>>);
    } catch (error) {
      result = this.fieldError(null, error);
    }
    if (isPromise(result)) {
      this.asyncReason = 'clean() returned a promise';
      if (!async) return result;
      return result.then((data) => this.useCleanResult(data), (error: unknown) => this.fieldError(null, error)).then(() => this.runPostClean());
    }
    this.useCleanResult(result);
    return this.runPostClean();
  }

  private useCleanResult(result: unknown): void {
    if (result !== undefined && result !== null) this.cleaned = result as Record<string, unknown>;
  }

  private runPostClean(): Promise<unknown> | undefined {
    const post = this.postClean();
    if (!isPromise(post)) return undefined;
    this.asyncReason = this.asyncPostCleanReason();
    return post;
  }

  /**
   * The form-wide check, after every field's (Django's clean()): raise
   * ValidationError or call addError(); return new data to replace
   * cleanedData, or nothing to keep it.
   */
  clean(_data: Partial<CleanedData<F>>): void | Partial<CleanedData<F>> | Promise<void | Partial<CleanedData<F>>> {
    return undefined;
  }

  /** Runs after clean(); model forms validate the instance here. */
  protected postClean(): void | Promise<void> {
    return undefined;
  }

  protected asyncPostCleanReason(): string {
    return 'postClean() returned a promise';
  }

  // ---- changes ----------------------------------------------------------

  /** Names of the fields whose submitted value differs from the initial one. */
  get changedData(): string[] {
    if (!this.isBound) return [];
    const fields = this.currentFields();
    return this.names.filter((name) => {
      const field = fields[name]!;
      const data = field.widget.valueFromData(this.data, this.files, this.addPrefix(name));
      return field.hasChanged(this.getInitialForField(field, name), data);
    });
  }

  hasChanged(): boolean {
    return this.changedData.length > 0;
  }

  // ---- rendering --------------------------------------------------------

  /** The form's errors plus those of hidden fields ("(Hidden field x) …"), for the top of the form. */
  topErrors(hiddenFields: readonly BoundField[] = this.hiddenFields()): ErrorList {
    const top = this.nonFieldErrors();
    const list = new ErrorList([...top.data], { errorClass: 'nonfield', renderer: this.renderer, translate: this.translate });
    if (!this.isBound) return list;
    for (const bound of hiddenFields) {
      for (const error of bound.errors.data) {
        list.data.push(new ValidationError('(Hidden field %(name)s) %(error)s', error.code, { name: bound.name, error: new ErrorList([error], { renderer: this.renderer, translate: this.translate }).messages[0] }));
      }
    }
    return list;
  }

  getContext(): FormContext {
    const fields: FormContext['fields'] = [];
    const hiddenFields: BoundField[] = [];
    for (const name of this.names) {
      const bound = this.field(name);
      if (bound.isHidden) hiddenFields.push(bound);
      else fields.push({ field: bound, errors: bound.errors });
    }
    return { form: this as unknown as BaseForm, fields, hiddenFields, errors: this.topErrors(hiddenFields) };
  }

  /** Render with `templateName`, else the form's template, else the renderer's (div). */
  render(templateName?: string): SafeString {
    const name = templateName ?? this.templateName ?? this.renderer.formTemplateName;
    return new SafeString(this.renderer.render(name, this.getContext()));
  }

  asDiv(): SafeString {
    return this.render((this.constructor as typeof BaseForm).settings.templateNameDiv ?? 'forms/div.eta');
  }

  asP(): SafeString {
    return this.render((this.constructor as typeof BaseForm).settings.templateNameP ?? 'forms/p.eta');
  }

  asTable(): SafeString {
    return this.render((this.constructor as typeof BaseForm).settings.templateNameTable ?? 'forms/table.eta');
  }

  asUl(): SafeString {
    return this.render((this.constructor as typeof BaseForm).settings.templateNameUl ?? 'forms/ul.eta');
  }

  toString(): string {
    return this.render().value;
  }
}
