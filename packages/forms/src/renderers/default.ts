import { conditionalEscape, escapeHtml } from '@manouche/core';
import type { BoundField, LabelContext } from '../forms/bound-field';
import type { ErrorListContext } from '../forms/errors';
import type { FormContext } from '../forms/form';
import type { BaseFormSet } from '../formsets/formset';
import { flatatt } from '../utils/attrs';
import type { OptionData, OptionGroup } from '../widgets/choice';
import type { WidgetContext, WidgetData } from '../widgets/widget';
import { FormRenderError, type FormRenderer } from './renderer';

/** A template written as a function: the context in, HTML out. */
export type CodeTemplate = (context: never, renderer: FormRenderer) => string;

const esc = (value: unknown): string => conditionalEscape(value).value;

function input(w: WidgetData): string {
  const value = w.value === null || w.value === undefined ? '' : ` value="${esc(w.value)}"`;
  return `<input type="${escapeHtml(String(w.type))}" name="${escapeHtml(w.name)}"${value}${flatatt(w.attrs)}>`;
}

function renderOptions(groups: OptionGroup[], renderer: FormRenderer, wrap: (option: string) => string, group: (label: string, options: string) => string): string {
  let out = '';
  for (const g of groups) {
    let options = '';
    for (const option of g.options) options += wrap(renderer.render(option.templateName, { widget: option }));
    out += g.name === null ? options : group(esc(g.name), options);
  }
  return out;
}

function multipleInput({ widget: w }: WidgetContext, renderer: FormRenderer): string {
  const id = w.attrs.id ? ` id="${esc(w.attrs.id)}"` : '';
  const cls = w.attrs.class ? ` class="${esc(w.attrs.class)}"` : '';
  const options = renderOptions(w.optgroups as OptionGroup[], renderer, (o) => `<div>${o}</div>`, (label, o) => `<div><label>${label}</label>${o}</div>`);
  return `<div${id}${cls}>${options}</div>`;
}

/** Each visible field's row, hidden fields appended to the last one (Django's layouts). */
function rows(context: FormContext, row: (f: FormContext['fields'][number], hidden: string) => string): string[] {
  const hidden = context.hiddenFields.map((f) => f.toHtml().value).join('');
  const out: string[] = [];
  context.fields.forEach((f, i) => out.push(row(f, i === context.fields.length - 1 ? hidden : '')));
  return out;
}

const cssAttr = (bound: BoundField): string => {
  const classes = bound.cssClasses();
  return classes ? ` class="${escapeHtml(classes)}"` : '';
};

const helpId = (bound: BoundField): string => (bound.autoId ? ` id="${escapeHtml(bound.autoId)}_helptext"` : '');

/**
 * The built-in templates, as functions, producing exactly what the Eta
 * templates of `@manouche/forms/templates` produce: forms render with no
 * template engine installed, fast.
 */
export const builtinTemplates: Record<string, CodeTemplate> = {
  'forms/errors/list/ul.eta': (c: ErrorListContext) =>
    `<ul class="${escapeHtml(c.errorClass)}"${c.errorId ? ` id="${escapeHtml(c.errorId)}"` : ''}>${c.errors.map((e) => `<li>${escapeHtml(e)}</li>`).join('')}</ul>`,

  'forms/label.eta': (c: LabelContext) => (c.useTag ? `<${c.tag}${flatatt(c.attrs)}>${c.label.value}</${c.tag}>` : c.label.value),

  'forms/field.eta': ({ field: f }: { field: BoundField }) => {
    const parts: string[] = [];
    if (f.label) parts.push((f.useFieldset ? f.legendTag() : f.labelTag()).value);
    if (f.helpText) parts.push(`<div class="helptext"${helpId(f)}>${f.helpTextHtml.value}</div>`);
    const errors = f.errors;
    if (errors.length) parts.push(errors.asUl().value);
    parts.push(f.toHtml().value);
    if (!f.useFieldset) return parts.join('\n');
    const describedBy = f.describedBy();
    return `<fieldset${describedBy ? ` aria-describedby="${escapeHtml(describedBy)}"` : ''}>\n${parts.join('\n')}\n</fieldset>`;
  },

  'forms/div.eta': (c: FormContext) => {
    const out: string[] = [];
    const hidden = c.hiddenFields.map((f) => f.toHtml().value).join('');
    if (c.errors.length) out.push(c.errors.asUl().value);
    if (c.errors.length && !c.fields.length) out.push(`<div>${hidden}</div>`);
    out.push(...rows(c, ({ field }, h) => `<div${cssAttr(field)}>\n${field.asFieldGroup().value}${h}\n</div>`));
    if (!c.fields.length && !c.errors.length && hidden) out.push(hidden);
    return out.join('\n');
  },

  'forms/p.eta': (c: FormContext) => {
    const out: string[] = [];
    const hidden = c.hiddenFields.map((f) => f.toHtml().value).join('');
    if (c.errors.length) out.push(c.errors.asUl().value);
    if (c.errors.length && !c.fields.length) out.push(`<p>${hidden}</p>`);
    out.push(...rows(c, ({ field, errors }, h) => {
      const label = field.label ? `${field.labelTag().value}\n` : '';
      const help = field.helpText ? `\n<span class="helptext"${helpId(field)}>${field.helpTextHtml.value}</span>` : '';
      return `${errors.length ? `${errors.asUl().value}\n` : ''}<p${cssAttr(field)}>${label}${field.toHtml().value}${help}${h}</p>`;
    }));
    if (!c.fields.length && !c.errors.length && hidden) out.push(hidden);
    return out.join('\n');
  },

  'forms/table.eta': (c: FormContext) => {
    const out: string[] = [];
    const hidden = c.hiddenFields.map((f) => f.toHtml().value).join('');
    if (c.errors.length) out.push(`<tr><td colspan="2">${c.errors.asUl().value}${c.fields.length ? '' : hidden}</td></tr>`);
    out.push(...rows(c, ({ field, errors }, h) => {
      const help = field.helpText ? `<br>\n<span class="helptext"${helpId(field)}>${field.helpTextHtml.value}</span>` : '';
      return `<tr${cssAttr(field)}>\n<th>${field.label ? field.labelTag().value : ''}</th>\n<td>${errors.length ? errors.asUl().value : ''}${field.toHtml().value}${help}${h}</td>\n</tr>`;
    }));
    if (!c.fields.length && !c.errors.length && hidden) out.push(hidden);
    return out.join('\n');
  },

  'forms/ul.eta': (c: FormContext) => {
    const out: string[] = [];
    const hidden = c.hiddenFields.map((f) => f.toHtml().value).join('');
    if (c.errors.length) out.push(`<li>${c.errors.asUl().value}${c.fields.length ? '' : hidden}</li>`);
    out.push(...rows(c, ({ field, errors }, h) => {
      const help = field.helpText ? ` <span class="helptext"${helpId(field)}>${field.helpTextHtml.value}</span>` : '';
      return `<li${cssAttr(field)}>${errors.length ? errors.asUl().value : ''}${field.label ? `${field.labelTag().value} ` : ''}${field.toHtml().value}${help}${h}</li>`;
    }));
    if (!c.fields.length && !c.errors.length && hidden) out.push(hidden);
    return out.join('\n');
  },

  'forms/widgets/input.eta': ({ widget }: WidgetContext) => input(widget),

  'forms/widgets/textarea.eta': ({ widget: w }: WidgetContext) =>
    `<textarea name="${escapeHtml(w.name)}"${flatatt(w.attrs)}>\n${w.value === null || w.value === undefined ? '' : esc(w.value)}</textarea>`,

  'forms/widgets/select.eta': ({ widget: w }: WidgetContext, renderer) => {
    const options = renderOptions(w.optgroups as OptionGroup[], renderer, (o) => o, (label, o) => `<optgroup label="${label}">${o}</optgroup>`);
    return `<select name="${escapeHtml(w.name)}"${flatatt(w.attrs)}>${options}</select>`;
  },

  'forms/widgets/select_option.eta': ({ widget: o }: { widget: OptionData }) => `<option value="${escapeHtml(o.value)}"${flatatt(o.attrs)}>${esc(o.label)}</option>`,

  'forms/widgets/input_option.eta': ({ widget: o }: { widget: OptionData }, renderer) => {
    const element = renderer.render('forms/widgets/input.eta', { widget: o });
    if (!o.wrapLabel) return element;
    return `<label${o.attrs.id ? ` for="${esc(o.attrs.id)}"` : ''}>${element} ${esc(o.label)}</label>`;
  },

  'forms/widgets/radio.eta': multipleInput,
  'forms/widgets/checkbox_select.eta': multipleInput,

  'forms/widgets/multiple_hidden.eta': ({ widget: w }: WidgetContext, renderer) =>
    (w.subwidgets as WidgetData[]).map((sub) => renderer.render(sub.templateName, { widget: sub })).join(''),

  'forms/widgets/clearable_file_input.eta': ({ widget: w }: WidgetContext) => {
    let out = '';
    if (w.isInitial) {
      const initial = w.initial as { name: string; url: string };
      out += `${esc(w.initialText)}: <a href="${esc(initial.url)}">${esc(initial.name)}</a>`;
      if (!w.required) {
        const disabled = w.attrs.disabled ? ' disabled' : '';
        const checked = w.attrs.checked ? ' checked' : '';
        out += `\n<input type="checkbox" name="${esc(w.checkboxName)}" id="${esc(w.checkboxId)}"${disabled}${checked}>\n<label for="${esc(w.checkboxId)}">${esc(w.clearCheckboxLabel)}</label>`;
      }
      out += `<br>\n${esc(w.inputText)}: `;
    }
    return out + input(w);
  },
};

/** A formset: its own errors, the management form's hidden inputs, then each form in `layout`. */
function formset(layout: 'asDiv' | 'asP' | 'asTable' | 'asUl'): CodeTemplate {
  return ({ formset: set }: { formset: BaseFormSet }) => {
    const out: string[] = [];
    const errors = set.nonFormErrors();
    if (errors.length) out.push(errors.asUl().value);
    out.push(set.managementForm.render().value);
    for (const form of set.forms) out.push(form[layout]().value);
    return out.join('\n');
  };
}

builtinTemplates['forms/formsets/div.eta'] = formset('asDiv');
builtinTemplates['forms/formsets/p.eta'] = formset('asP');
builtinTemplates['forms/formsets/table.eta'] = formset('asTable');
builtinTemplates['forms/formsets/ul.eta'] = formset('asUl');

export interface DefaultRendererOptions {
  /** Replace or add templates by name (`'forms/field.eta': (c) => …`). */
  templates?: Record<string, CodeTemplate>;
  formTemplateName?: string;
  formsetTemplateName?: string;
  fieldTemplateName?: string;
}

/**
 * The renderer forms use unless told otherwise: the built-in templates as
 * JavaScript functions, so rendering needs no template engine. Pass
 * `templates` to replace some; for file templates a project can edit, use
 * `@manouche/forms/templates`.
 */
export class DefaultRenderer implements FormRenderer {
  readonly formTemplateName: string;
  readonly formsetTemplateName: string;
  readonly fieldTemplateName: string;
  private readonly templates: Map<string, CodeTemplate>;

  constructor(options: DefaultRendererOptions = {}) {
    this.templates = new Map(Object.entries({ ...builtinTemplates, ...options.templates }));
    this.formTemplateName = options.formTemplateName ?? 'forms/div.eta';
    this.formsetTemplateName = options.formsetTemplateName ?? 'forms/formsets/div.eta';
    this.fieldTemplateName = options.fieldTemplateName ?? 'forms/field.eta';
  }

  render(templateName: string, context: object): string {
    const template = this.templates.get(templateName);
    if (!template) throw new FormRenderError(`DefaultRenderer has no template ${JSON.stringify(templateName)}; it has: ${[...this.templates.keys()].join(', ')}.`);
    return template(context as never, this);
  }
}

export const defaultRenderer = new DefaultRenderer();

