/**
 * Renders a named template with a context. Forms, bound fields, error lists
 * and widgets all render through one, so a project restyles every piece by
 * overriding templates (see `@manouche/forms/templates`) — or by giving
 * DefaultRenderer its own functions for some names.
 */
export interface FormRenderer {
  /** Template for `form.render()` / `String(form)` (Django's form_template_name). */
  readonly formTemplateName: string;
  /** Template for `formset.render()`. */
  readonly formsetTemplateName: string;
  /** Template for `boundField.asFieldGroup()`: label, help, errors, widget. */
  readonly fieldTemplateName: string;
  render(templateName: string, context: object): string;
}

/** Raised for a template name the renderer does not know. */
export class FormRenderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FormRenderError';
  }
}
