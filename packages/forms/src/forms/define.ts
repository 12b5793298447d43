import type { CleanedValue } from '../fields/field';
import { BaseForm, type CleanedData, type FieldMap, type FormClassSettings, type FormOptions, type RequestLike } from './form';

/** A form instance of a declaration: BaseForm with typed fields and cleanedData. */
export type Form<F extends FieldMap = FieldMap> = BaseForm<F>;

type Awaitable<T> = T | Promise<T>;

/**
 * `clean<Field>(value, data)` hooks, one per field (`title` → `cleanTitle`):
 * they get the field's cleaned value and the data cleaned so far, and return
 * the value to keep (or throw ValidationError).
 */
export type FieldHooks<F extends FieldMap> = {
  [K in keyof F & string as `clean${Capitalize<K>}`]?: (this: Form<F>, value: CleanedValue<F[K]>, data: Partial<CleanedData<F>>) => Awaitable<CleanedValue<F[K]>>;
};

export interface FormHooks<F extends FieldMap> {
  /** The form-wide check (Django's clean()): throw ValidationError, call this.addError(), or return replacement data. */
  clean?(this: Form<F>, data: Partial<CleanedData<F>>): Awaitable<void | Partial<CleanedData<F>>>;
}

export type FormDefinition<F extends FieldMap> = FieldHooks<F> & FormHooks<F> & FormClassSettings;

/** The class defineForm() returns: `new ArticleForm({ data })`. */
export interface FormClass<F extends FieldMap> {
  new (options?: FormOptions<F>): Form<F>;
  readonly baseFields: F;
  readonly settings: FormClassSettings;
  /** Bound to the request's body for POST/PUT/PATCH, unbound otherwise. */
  fromRequest(request: RequestLike, options?: Omit<FormOptions<F>, 'data' | 'files'>): Promise<Form<F>>;
}

const SETTINGS: ReadonlySet<string> = new Set<keyof FormClassSettings>([
  'prefix', 'fieldOrder', 'labelSuffix', 'useRequiredAttribute', 'errorCssClass', 'requiredCssClass', 'renderer',
  'templateName', 'templateNameDiv', 'templateNameP', 'templateNameTable', 'templateNameUl', 'fieldTemplateName',
]);

/**
 * Separate a definition's class settings from its hooks, refusing unknown
 * settings and clean<Field> hooks that name no field (a typo would otherwise
 * never run).
 */
export function splitDefinition(definition: object, fieldNames: readonly string[]): { settings: FormClassSettings; hooks: Record<string, unknown> } {
  const settings: FormClassSettings = {};
  const hooks: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(definition)) {
    if (SETTINGS.has(key)) (settings as Record<string, unknown>)[key] = value;
    else if (typeof value === 'function') hooks[key] = value;
    else throw new TypeError(`Unknown form setting ${JSON.stringify(key)}; expected a clean hook or one of: ${[...SETTINGS].join(', ')}.`);
  }
  for (const key of Object.keys(hooks)) {
    const match = /^clean(.+)$/.exec(key);
    if (!match) continue;
    const field = match[1]!.charAt(0).toLowerCase() + match[1]!.slice(1);
    if (!fieldNames.includes(field) && !fieldNames.includes(match[1]!)) {
      throw new TypeError(`The hook ${key}() names no field: the fields are ${fieldNames.join(', ')}.`);
    }
  }
  return { settings, hooks };
}

/**
 * Declare a form: its fields (from `fields.*`) and, optionally, its hooks and
 * settings. `cleanedData` is typed from the fields — an optional IntegerField
 * is `number | null`, a ChoiceField the union of its values.
 *
 * ```ts
 * const ArticleForm = defineForm({
 *   title: fields.CharField({ maxLength: 200 }),
 *   published: fields.BooleanField({ required: false }),
 * }, {
 *   cleanTitle(value) { return value.trim(); },
 * });
 * ```
 *
 * Extend a declaration by spreading `ArticleForm.baseFields` into a new one,
 * or subclass the returned class.
 */
export function defineForm<F extends FieldMap>(fields: F, definition: NoInfer<FormDefinition<F>> = {}): FormClass<F> {
  for (const [name, field] of Object.entries(fields)) {
    if (typeof field !== 'object' || field === null || typeof (field as { clean?: unknown }).clean !== 'function') {
      throw new TypeError(`The field ${JSON.stringify(name)} is not a form field; use one of fields.CharField(), fields.IntegerField()…`);
    }
    if (name === '__all__' || name.includes('-')) throw new TypeError(`${JSON.stringify(name)} cannot be a field name (reserved, or it would be ambiguous with a prefix).`);
  }
  const { settings, hooks } = splitDefinition(definition, Object.keys(fields));
  class DeclaredForm extends BaseForm<F> {
    static override baseFields: FieldMap = fields;
    static override settings: FormClassSettings = settings;
  }
  Object.assign(DeclaredForm.prototype, hooks);
  return DeclaredForm as unknown as FormClass<F>;
}
