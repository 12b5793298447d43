import { conditionalEscape, SafeString } from '@manouche/core';
import type { Field } from '../fields/field';
import { type Attrs, checkAttrs } from '../utils/attrs';
import { prettyName } from '../utils/values';
import { Textarea, TextInput, type Widget } from '../widgets/widget';
import type { ErrorList } from './errors';
import type { BaseForm } from './form';

/** What the label template receives. */
export interface LabelContext {
  field: BoundField;
  label: SafeString;
  attrs: Attrs;
  useTag: boolean;
  tag: 'label' | 'legend';
}

/**
 * Django's BoundField: one field of one form instance — its label, widget,
 * value, errors and help text, each renderable on its own
 * (`form.field('title')`).
 */
export class BoundField {
  readonly htmlName: string;
  readonly label: string | SafeString;
  readonly helpText: string | SafeString;
  /** `id` attribute of the input: `id_<prefixed name>` by default, '' when the form's autoId is false. */
  readonly autoId: string;
  private initialValue: unknown;
  private initialComputed = false;

  constructor(readonly form: BaseForm, readonly field: Field<unknown>, readonly name: string) {
    this.htmlName = form.addPrefix(name);
    this.label = field.label ?? prettyName(name);
    this.helpText = field.helpText ?? '';
    this.autoId = form.autoIdFor(name);
  }

  /** The field's errors (an empty list when there are none or the form is unbound). */
  get errors(): ErrorList {
    return this.form.errorsFor(this.name);
  }

  get idForLabel(): string {
    const widget = this.field.widget;
    const id = (widget.attrs.id as string | undefined) ?? this.autoId;
    return widget.idForLabel(id);
  }

  get isHidden(): boolean {
    return this.field.widget.isHidden;
  }

  /** Whether the field renders as a <fieldset> with a <legend> (radio buttons, checkbox lists). */
  get useFieldset(): boolean {
    return this.field.widget.useFieldset;
  }

  /** The widget class name in lower case without "widget"/"input" (Django's widget_type): `text`, `select`, `checkbox`… */
  get widgetType(): string {
    return this.field.widget.constructor.name.toLowerCase().replace(/widget$|input$/, '');
  }

  /** The value submitted for this field (undefined for an unbound form). */
  get data(): unknown {
    return this.field.widget.valueFromData(this.form.data, this.form.files, this.htmlName);
  }

  /** The initial value (the form's `initial`, else the field's), functions called once. */
  get initial(): unknown {
    if (!this.initialComputed) {
      this.initialValue = this.form.getInitialForField(this.field, this.name);
      this.initialComputed = true;
    }
    return this.initialValue;
  }

  /** The value the widget shows: the submitted one for a bound form, else the initial one. */
  value(): unknown {
    let data = this.initial;
    if (this.form.isBound) data = this.field.boundData(this.data, data);
    return this.field.prepareValue(data);
  }

  /** The attributes the field's state adds to the widget: required, disabled, aria-invalid, aria-describedby. */
  buildWidgetAttrs(attrs: Attrs, widget: Widget = this.field.widget): Attrs {
    // Object.assign, never `{ ...attrs }`: Node 20 makes a spread copy that is then written to ~10× slower
    const out: Attrs = Object.assign({}, attrs);
    if (widget.useRequiredAttribute(this.initial) && this.field.required && this.form.useRequiredAttribute) out.required = true;
    if (this.field.disabled) out.disabled = true;
    const hasErrors = this.errors.length > 0;
    // a group of inputs is described on its <fieldset> (see the field template), not on each input
    if (!widget.isHidden && !widget.useFieldset && this.autoId && !('aria-describedby' in widget.attrs) && !('aria-describedby' in out)) {
      const describedBy = this.describedBy(hasErrors);
      if (describedBy) out['aria-describedby'] = describedBy;
    }
    if (hasErrors) out['aria-invalid'] = 'true';
    return out;
  }

  /** Ids of the help text and error list, for aria-describedby ('' when neither is shown). */
  describedBy(hasErrors = this.errors.length > 0): string {
    const id = this.autoId;
    if (!id) return '';
    if (this.helpText) return hasErrors ? `${id}_helptext ${id}_error` : `${id}_helptext`;
    return hasErrors ? `${id}_error` : '';
  }

  /** The widget's HTML. */
  asWidget(widget?: Widget, attrs?: Attrs): SafeString {
    const w = widget ?? this.field.widget;
    const finalAttrs = this.buildWidgetAttrs(attrs ?? {}, w);
    if (this.autoId && !('id' in w.attrs) && !('id' in finalAttrs)) finalAttrs.id = this.autoId;
    return w.render(this.htmlName, this.value(), finalAttrs, this.form.renderOptions);
  }

  asText(attrs?: Attrs): SafeString {
    return this.asWidget(new TextInput(), attrs);
  }

  asTextarea(attrs?: Attrs): SafeString {
    return this.asWidget(new Textarea(), attrs);
  }

  asHidden(attrs?: Attrs): SafeString {
    const HiddenWidget = (this.field.constructor as typeof Field).hiddenWidget;
    return this.asWidget(new HiddenWidget(), attrs);
  }

  /** The help text, escaped unless it is a SafeString. */
  get helpTextHtml(): SafeString {
    return conditionalEscape(this.helpText);
  }

  /**
   * `<label for="id_title">Title:</label>`: the label with the form's
   * suffix (unless it already ends in punctuation), pointing at the input.
   */
  labelTag(contents?: string | SafeString, attrs?: Attrs, labelSuffix?: string, tag: 'label' | 'legend' = 'label'): SafeString {
    let text = contents ?? this.label;
    const suffix = labelSuffix ?? this.field.labelSuffix ?? this.form.labelSuffix;
    if (suffix && text && !/[:?.!]$/.test(String(text))) {
      text = text instanceof SafeString ? new SafeString(text.value + conditionalEscape(suffix).value) : `${text}${suffix}`;
    }
    const finalAttrs: Attrs = attrs ? Object.assign({}, checkAttrs(attrs)) : {};
    const widget = this.field.widget;
    const id = (widget.attrs.id as string | undefined) ?? this.autoId;
    if (id && tag === 'label') {
      const forId = widget.idForLabel(id);
      if (forId) finalAttrs.for = forId;
    }
    if (this.field.required && this.form.requiredCssClass) {
      finalAttrs.class = finalAttrs.class ? `${String(finalAttrs.class)} ${this.form.requiredCssClass}` : this.form.requiredCssClass;
    }
    const context: LabelContext = { field: this, label: conditionalEscape(text), attrs: finalAttrs, useTag: Boolean(id), tag };
    return new SafeString(this.form.renderer.render('forms/label.eta', context));
  }

  /** The label as a <legend>, for a field rendered in a <fieldset>. */
  legendTag(contents?: string | SafeString, attrs?: Attrs, labelSuffix?: string): SafeString {
    return this.labelTag(contents, attrs, labelSuffix, 'legend');
  }

  /** Classes for the field's row: the form's error and required classes. */
  cssClasses(extra?: string): string {
    const classes = extra ? extra.split(/\s+/).filter(Boolean) : [];
    if (this.errors.length && this.form.errorCssClass) classes.push(this.form.errorCssClass);
    if (this.field.required && this.form.requiredCssClass) classes.push(this.form.requiredCssClass);
    return classes.join(' ');
  }

  /** Label, help text, errors and widget, through the field template (Django's as_field_group()). */
  asFieldGroup(): SafeString {
    const name = this.field.templateName ?? this.form.fieldTemplateName ?? this.form.renderer.fieldTemplateName;
    return new SafeString(this.form.renderer.render(name, { field: this }));
  }

  /** The widget (Django's `{{ field }}`). */
  toHtml(): SafeString {
    return this.asWidget();
  }

  toString(): string {
    return this.asWidget().value;
  }
}
