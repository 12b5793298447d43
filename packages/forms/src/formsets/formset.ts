import { isPromise, SafeString, ValidationError } from '@manouche/core';
import { formsConfig, type Translator } from '../config';
import type { FilesInput, FormDataInput } from '../data';
import { BooleanField } from '../fields/boolean';
import { fields } from '../fields/index';
import { IntegerField } from '../fields/numbers';
import { defineForm, type Form, type FormClass } from '../forms/define';
import { type ErrorDict, ErrorList } from '../forms/errors';
import { type CleanedData, type FieldMap, FormError, type FormOptions } from '../forms/form';
import { defaultRenderer } from '../renderers/default';
import type { FormRenderer } from '../renderers/renderer';
import { HiddenInput, NumberInput } from '../widgets/widget';

export const TOTAL_FORM_COUNT = 'TOTAL_FORMS';
export const INITIAL_FORM_COUNT = 'INITIAL_FORMS';
export const MIN_NUM_FORM_COUNT = 'MIN_NUM_FORMS';
export const MAX_NUM_FORM_COUNT = 'MAX_NUM_FORMS';
export const ORDERING_FIELD_NAME = 'ORDER';
export const DELETION_FIELD_NAME = 'DELETE';
/** Django's DEFAULT_MAX_NUM: the default maxNum, and the margin absoluteMax adds to it. */
export const DEFAULT_MAX_NUM = 1000;

/**
 * Django's ManagementForm: the hidden counts that tell the server how many
 * forms were sent. Counts are never negative; a missing or invalid one is
 * reported as tampering.
 */
export const ManagementForm = defineForm({
  TOTAL_FORMS: fields.IntegerField({ widget: HiddenInput, minValue: 0 }),
  INITIAL_FORMS: fields.IntegerField({ widget: HiddenInput, minValue: 0 }),
  MIN_NUM_FORMS: fields.IntegerField({ required: false, widget: HiddenInput }),
  MAX_NUM_FORMS: fields.IntegerField({ required: false, widget: HiddenInput }),
}, {
  clean(data) {
    return Object.assign({}, data, { TOTAL_FORMS: data.TOTAL_FORMS ?? 0, INITIAL_FORMS: data.INITIAL_FORMS ?? 0 });
  },
});

export interface FormsetSettings {
  /** Blank forms shown after the initial ones (default 1). */
  extra?: number;
  /** Add an ORDER field to each form; see orderedForms. */
  canOrder?: boolean;
  /** Add a DELETE checkbox to each form; see deletedForms. */
  canDelete?: boolean;
  /** Whether extra forms get the DELETE box too (default true). */
  canDeleteExtra?: boolean;
  /** Most forms to show (default 1000); with validateMax, most forms accepted. */
  maxNum?: number;
  validateMax?: boolean;
  /** Forms always shown; with validateMin, fewest forms accepted. */
  minNum?: number;
  validateMin?: boolean;
  /** Hard limit on forms built from a submission, whatever TOTAL_FORMS claims (default maxNum + 1000). */
  absoluteMax?: number;
  renderer?: FormRenderer;
  templateName?: string;
}

export interface FormsetOptions<F extends FieldMap = FieldMap> {
  data?: FormDataInput | null;
  files?: FilesInput | null;
  autoId?: string | false;
  /** Prefix of the whole formset (default "form"): inputs are `form-0-title`, `form-TOTAL_FORMS`… */
  prefix?: string;
  /** Initial values, one object per form. */
  initial?: readonly ({ [K in keyof F]?: unknown } & Record<string, unknown>)[];
  /** Extra options for every form (or per index, with a function). */
  formOptions?: Omit<FormOptions<F>, 'data' | 'files' | 'prefix' | 'autoId'> | ((index: number | null) => Omit<FormOptions<F>, 'data' | 'files' | 'prefix' | 'autoId'>);
  renderer?: FormRenderer;
  translator?: Translator;
}

/** A form of a formset: the declaration's fields plus ORDER/DELETE when enabled. */
export type FormsetCleanedData<F extends FieldMap> = CleanedData<F> & { ORDER?: number | null; DELETE?: boolean };

const MESSAGES = {
  missing_management_form: 'ManagementForm data is missing or has been tampered with. Missing fields: %(field_names)s. You may need to file a bug report if the issue persists.',
  too_many_forms: ['Please submit at most %(num)d form.', 'Please submit at most %(num)d forms.'],
  too_few_forms: ['Please submit at least %(num)d form.', 'Please submit at least %(num)d forms.'],
} as const;

/**
 * Django's BaseFormSet: several instances of one form, counted by a
 * management form. A submission claiming more forms than `absoluteMax`
 * builds no more than that and is refused with "Please submit at most …".
 */
export class BaseFormSet<F extends FieldMap = FieldMap> {
  static form: FormClass<FieldMap>;
  static cleanHook: ((this: BaseFormSet) => void | Promise<void>) | undefined;
  static settings: Required<Omit<FormsetSettings, 'renderer' | 'templateName'>> & Pick<FormsetSettings, 'renderer' | 'templateName'>;

  readonly isBound: boolean;
  readonly prefix: string;
  readonly autoId: string | false;
  readonly initial: readonly Record<string, unknown>[] | undefined;
  readonly renderer: FormRenderer;
  readonly translate: Translator;
  protected readonly data: FormDataInput | null | undefined;
  protected readonly files: FilesInput | null | undefined;
  private readonly formOptions: FormsetOptions<F>['formOptions'];
  private management: Form | undefined;
  private formList: Form<F>[] | undefined;
  private errorList: ErrorDict[] | undefined;
  private nonFormErrorList: ErrorList | undefined;
  private pending: Promise<boolean> | undefined;

  constructor(options: FormsetOptions<F> = {}) {
    const settings = this.settings;
    this.isBound = (options.data !== null && options.data !== undefined) || (options.files !== null && options.files !== undefined);
    this.data = options.data;
    this.files = options.files;
    this.prefix = options.prefix ?? (this.constructor as typeof BaseFormSet).getDefaultPrefix();
    this.autoId = options.autoId ?? 'id_%s';
    this.initial = options.initial;
    this.formOptions = options.formOptions;
    this.translate = options.translator ?? formsConfig.translator;
    this.renderer = options.renderer ?? settings.renderer ?? formsConfig.renderer ?? defaultRenderer;
  }

  static getDefaultPrefix(): string {
    return 'form';
  }

  protected get settings(): (typeof BaseFormSet)['settings'] {
    return (this.constructor as typeof BaseFormSet).settings;
  }

  protected get formClass(): FormClass<F> {
    return (this.constructor as typeof BaseFormSet).form as unknown as FormClass<F>;
  }

  get minNum(): number {
    return this.settings.minNum;
  }

  get maxNum(): number {
    return this.settings.maxNum;
  }

  addPrefix(index: number | string): string {
    return `${this.prefix}-${index}`;
  }

  /** The hidden counts: read from the data when bound, computed when not. */
  get managementForm(): Form {
    if (!this.management) {
      const common = { autoId: this.autoId, prefix: this.prefix, renderer: this.renderer, translator: this.translate };
      if (this.isBound) {
        this.management = new ManagementForm(Object.assign(common, { data: this.data, files: this.files })) as unknown as Form;
        this.management.isValid();
      } else {
        this.management = new ManagementForm({
          ...common,
          initial: { TOTAL_FORMS: this.totalFormCount(), INITIAL_FORMS: this.initialFormCount(), MIN_NUM_FORMS: this.minNum, MAX_NUM_FORMS: this.maxNum },
        }) as unknown as Form;
      }
    }
    return this.management;
  }

  /** Forms to build: what the management form says (never above absoluteMax), or initial + extra within min/max. */
  totalFormCount(): number {
    if (this.isBound) {
      const claimed = (this.managementForm.cleanedData as { TOTAL_FORMS?: number }).TOTAL_FORMS ?? 0;
      return Math.min(claimed, this.settings.absoluteMax);
    }
    const initialForms = this.initialFormCount();
    let total = Math.max(initialForms, this.minNum) + this.settings.extra;
    if (initialForms > this.maxNum && this.maxNum >= 0) total = initialForms;
    else if (total > this.maxNum && this.maxNum >= 0) total = this.maxNum;
    return total;
  }

  /** How many forms edit existing data (the rest are extra). */
  initialFormCount(): number {
    if (this.isBound) {
      const claimed = (this.managementForm.cleanedData as { INITIAL_FORMS?: number }).INITIAL_FORMS ?? 0;
      return Math.min(claimed, this.totalFormCount());
    }
    return this.initial ? this.initial.length : 0;
  }

  get forms(): Form<F>[] {
    if (!this.formList) {
      const total = this.totalFormCount();
      this.formList = [];
      for (let i = 0; i < total; i++) this.formList.push(this.constructForm(i));
    }
    return this.formList;
  }

  [Symbol.iterator](): Iterator<Form<F>> {
    return this.forms[Symbol.iterator]();
  }

  /** Options for the form at `index` (null for the empty form). */
  protected getFormOptions(index: number | null): Omit<FormOptions<F>, 'data' | 'files' | 'prefix' | 'autoId'> {
    const options = this.formOptions;
    return typeof options === 'function' ? options(index) : Object.assign({}, options);
  }

  protected constructForm(index: number, extra: Partial<FormOptions<F>> = {}): Form<F> {
    const options: FormOptions<F> = {
      renderer: this.renderer,
      translator: this.translate,
      ...this.getFormOptions(index),
      autoId: this.autoId,
      prefix: this.addPrefix(index),
      useRequiredAttribute: false,
      ...extra,
    };
    if (this.isBound) {
      options.data = this.data;
      options.files = this.files;
    }
    if (this.initial && options.initial === undefined && index < this.initial.length) options.initial = this.initial[index];
    // extra forms may stay empty, unless they are part of the minimum
    if (index >= this.initialFormCount() && index >= this.minNum) options.emptyPermitted = true;
    const form = new this.formClass(options);
    this.addFields(form, index);
    return form;
  }

  get initialForms(): Form<F>[] {
    return this.forms.slice(0, this.initialFormCount());
  }

  get extraForms(): Form<F>[] {
    return this.forms.slice(this.initialFormCount());
  }

  /** A blank form with `__prefix__` in its names, for adding forms in the browser. */
  get emptyForm(): Form<F> {
    const form = new this.formClass({
      renderer: this.renderer,
      translator: this.translate,
      ...this.getFormOptions(null),
      autoId: this.autoId,
      prefix: this.addPrefix('__prefix__'),
      emptyPermitted: true,
      useRequiredAttribute: false,
    });
    this.addFields(form, null);
    return form;
  }

  /** Add ORDER and DELETE to a form (override to add your own fields). */
  addFields(form: Form<F>, index: number | null): void {
    const initialForms = this.initialFormCount();
    const { canOrder, canDelete, canDeleteExtra } = this.settings;
    if (canOrder) {
      const existing = index !== null && index < initialForms;
      form.addField(ORDERING_FIELD_NAME, new IntegerField({ label: this.translate('Order'), required: false, widget: NumberInput, ...(existing ? { initial: index + 1 } : {}) }));
    }
    if (canDelete && (canDeleteExtra || (index !== null && index < initialForms))) {
      form.addField(DELETION_FIELD_NAME, new BooleanField({ label: this.translate('Delete'), required: false }));
    }
  }

  // ---- validation -------------------------------------------------------

  /** Whether every form (except those marked for deletion) is valid and the formset's own checks passed. */
  isValid(): boolean {
    if (!this.isBound) return false;
    if (this.errorList === undefined) this.fullCleanSync();
    return this.formsAreValid() && this.nonFormErrors().length === 0;
  }

  /** isValid() for formsets whose forms (or clean()) validate asynchronously. */
  validate(): Promise<boolean> {
    if (!this.isBound) return Promise.resolve(false);
    this.pending ??= (async () => {
      await Promise.all(this.forms.map((form) => form.validate()));
      const result = this.fullClean();
      if (isPromise(result)) await result;
      return this.formsAreValid() && this.nonFormErrors().length === 0;
    })();
    return this.pending;
  }

  private formsAreValid(): boolean {
    const { canDelete } = this.settings;
    return this.forms.every((form) => (canDelete && this.shouldDeleteForm(form)) || form.isValid());
  }

  private fullCleanSync(): void {
    const result = this.fullClean();
    if (isPromise(result)) {
      result.catch(() => undefined);
      this.errorList = undefined;
      throw new FormError('This formset validates asynchronously (its clean() returned a promise): use `await formset.validate()`.');
    }
  }

  /** Each form's errors (forms marked for deletion left out, as in Django). */
  get errors(): ErrorDict[] {
    if (this.errorList === undefined) this.fullCleanSync();
    return this.errorList!;
  }

  /** The formset's own errors: tampering, too many/few forms, clean(). */
  nonFormErrors(): ErrorList {
    if (this.nonFormErrorList === undefined) {
      if (this.isBound) this.fullCleanSync();
      else this.nonFormErrorList = this.makeErrorList([]);
    }
    return this.nonFormErrorList!;
  }

  totalErrorCount(): number {
    return this.nonFormErrors().length + this.errors.reduce((n, errors) => n + [...errors.entries()].reduce((m, [, list]) => m + list.length, 0), 0);
  }

  private makeErrorList(errors: ValidationError[]): ErrorList {
    return new ErrorList(errors, { errorClass: 'nonform', renderer: this.renderer, translate: this.translate });
  }

  private plural(messages: readonly [string, string], num: number): ValidationError {
    return new ValidationError(messages[num === 1 ? 0 : 1], messages === MESSAGES.too_many_forms ? 'too_many_forms' : 'too_few_forms', { num });
  }

  private fullClean(): void | Promise<void> {
    this.errorList = [];
    this.nonFormErrorList = this.makeErrorList([]);
    if (!this.isBound) return;
    const management = this.managementForm;
    if (!management.isValid()) {
      const names = [...management.errors.keys()].map((name) => management.addPrefix(name)).join(', ');
      this.nonFormErrorList.data.push(new ValidationError(MESSAGES.missing_management_form, 'missing_management_form', { field_names: names }));
    }
    let emptyForms = 0;
    const initialForms = this.initialFormCount();
    const { canDelete, validateMax, validateMin } = this.settings;
    this.forms.forEach((form, i) => {
      if (i >= initialForms && !form.hasChanged()) emptyForms++;
      const errors = form.errors;
      if (canDelete && this.shouldDeleteForm(form)) return;
      this.errorList!.push(errors);
    });
    const deleted = this.deletedFormsUnchecked().length;
    const claimed = (management.cleanedData as { TOTAL_FORMS?: number }).TOTAL_FORMS ?? 0;
    try {
      if ((validateMax && this.totalFormCount() - deleted > this.maxNum) || claimed > this.settings.absoluteMax) {
        throw this.plural(MESSAGES.too_many_forms, this.maxNum);
      }
      if (validateMin && this.totalFormCount() - deleted - emptyForms < this.minNum) {
        throw this.plural(MESSAGES.too_few_forms, this.minNum);
      }
      const result = this.clean();
      if (isPromise(result)) {
        return result.catch((error: unknown) => {
          if (!(error instanceof ValidationError)) throw error;
          this.nonFormErrorList = this.makeErrorList(error.errorList);
        });
      }
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      this.nonFormErrorList = this.makeErrorList(error.errorList);
    }
    return undefined;
  }

  /**
   * Checks across forms (Django's formset clean()): throw ValidationError for
   * a non-form error. Runs the `clean` given to formsetFactory(); a subclass
   * overriding it calls `super.clean()`.
   */
  clean(): void | Promise<void> {
    return (this.constructor as typeof BaseFormSet).cleanHook?.call(this);
  }

  /** Whether the form's DELETE box is ticked. */
  protected shouldDeleteForm(form: Form<F>): boolean {
    // on an invalid form cleanedData holds the fields that passed, DELETE among them
    return (form.cleanedData as Record<string, unknown>)[DELETION_FIELD_NAME] === true;
  }

  private deletedFormsUnchecked(): Form<F>[] {
    if (!this.settings.canDelete) return [];
    const initialForms = this.initialFormCount();
    return this.forms.filter((form, i) => !(i >= initialForms && !form.hasChanged()) && this.shouldDeleteForm(form));
  }

  private requireValid(what: string): void {
    if (!this.isValid()) throw new FormError(`${this.constructor.name || 'Formset'} is not valid: ${what} is only available for a valid formset.`);
  }

  /** cleanedData of every form. */
  get cleanedData(): FormsetCleanedData<F>[] {
    this.requireValid('cleanedData');
    return this.forms.map((form) => form.cleanedData as FormsetCleanedData<F>);
  }

  /** Forms whose DELETE box is ticked (extra forms left untouched do not count). */
  get deletedForms(): Form<F>[] {
    if (!this.isValid() || !this.settings.canDelete) return [];
    return this.deletedFormsUnchecked();
  }

  /** Forms in the order of their ORDER fields (empty ORDER last), deleted and untouched extra forms left out. */
  get orderedForms(): Form<F>[] {
    this.requireValid('orderedForms');
    if (!this.settings.canOrder) throw new FormError(`${this.constructor.name || 'Formset'} has no ordering: pass canOrder: true to formsetFactory().`);
    const initialForms = this.initialFormCount();
    const ordering: [number, number | null][] = [];
    this.forms.forEach((form, i) => {
      if (i >= initialForms && !form.hasChanged()) return;
      if (this.settings.canDelete && this.shouldDeleteForm(form)) return;
      ordering.push([i, (form.cleanedData as { ORDER?: number | null }).ORDER ?? null]);
    });
    ordering.sort((a, b) => (a[1] === null ? (b[1] === null ? 0 : 1) : b[1] === null ? -1 : a[1] - b[1]));
    return ordering.map(([i]) => this.forms[i]!);
  }

  hasChanged(): boolean {
    return this.forms.some((form) => form.hasChanged());
  }

  isMultipart(): boolean {
    return this.forms.length ? this.forms.some((form) => form.isMultipart()) : this.emptyForm.isMultipart();
  }

  // ---- rendering --------------------------------------------------------

  render(templateName?: string): SafeString {
    const name = templateName ?? this.settings.templateName ?? this.renderer.formsetTemplateName;
    return new SafeString(this.renderer.render(name, { formset: this }));
  }

  asDiv(): SafeString {
    return this.render('forms/formsets/div.eta');
  }

  asP(): SafeString {
    return this.render('forms/formsets/p.eta');
  }

  asTable(): SafeString {
    return this.render('forms/formsets/table.eta');
  }

  asUl(): SafeString {
    return this.render('forms/formsets/ul.eta');
  }

  toString(): string {
    return this.render().value;
  }
}

/** The class formsetFactory() returns. */
export interface FormsetClass<F extends FieldMap> {
  new (options?: FormsetOptions<F>): BaseFormSet<F>;
  readonly form: FormClass<F>;
  readonly settings: (typeof BaseFormSet)['settings'];
}

/**
 * Django's formset_factory(): a formset class for `form`.
 *
 * ```ts
 * const ItemFormSet = formsetFactory(ItemForm, { extra: 2, canDelete: true, maxNum: 20, validateMax: true });
 * const formset = new ItemFormSet({ data: await request.form() });
 * ```
 */
export function formsetFactory<F extends FieldMap>(form: FormClass<F>, settings: FormsetSettings & { clean?: (this: BaseFormSet<F>) => void | Promise<void> } = {}): FormsetClass<F> {
  const { clean, ...rest } = settings;
  const resolved = resolveSettings(rest);
  class FormSet extends BaseFormSet<F> {
    static override form = form as unknown as FormClass<FieldMap>;
    static override settings = resolved;
  }
  if (clean) FormSet.cleanHook = clean as (this: BaseFormSet) => void | Promise<void>;
  return FormSet as unknown as FormsetClass<F>;
}

export function resolveSettings(settings: FormsetSettings): (typeof BaseFormSet)['settings'] {
  const maxNum = settings.maxNum ?? DEFAULT_MAX_NUM;
  const absoluteMax = settings.absoluteMax ?? maxNum + DEFAULT_MAX_NUM;
  if (maxNum > absoluteMax) throw new RangeError(`absoluteMax (${absoluteMax}) must be at least maxNum (${maxNum}).`);
  for (const [name, value] of Object.entries({ extra: settings.extra, maxNum, minNum: settings.minNum, absoluteMax })) {
    if (value !== undefined && (!Number.isInteger(value) || value < 0)) throw new RangeError(`${name} must be a whole number ≥ 0; got ${String(value)}.`);
  }
  return {
    extra: settings.extra ?? 1,
    canOrder: settings.canOrder ?? false,
    canDelete: settings.canDelete ?? false,
    canDeleteExtra: settings.canDeleteExtra ?? true,
    maxNum,
    validateMax: settings.validateMax ?? false,
    minNum: settings.minNum ?? 0,
    validateMin: settings.validateMin ?? false,
    absoluteMax,
    renderer: settings.renderer,
    templateName: settings.templateName,
  };
}
