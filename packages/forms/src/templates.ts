import type { Application } from '@manouche/core';
import { Engine, engines } from '@manouche/templates';
import type { FormRenderer } from './renderers/renderer';
import { FORMS_TEMPLATES_DIR } from './template-dir';

export interface TemplatesFormRendererOptions {
  /**
   * Render with this engine (a project's): it must find `forms/*.eta`,
   * which it does with formsApp() in INSTALLED_APPS and APP_DIRS on.
   */
  engine?: Engine;
  /** Folders searched before the built-in templates: put `forms/div.eta` there to override it. */
  dirs?: readonly string[];
  /** Recompile a changed template on the next render. */
  debug?: boolean;
  formTemplateName?: string;
  formsetTemplateName?: string;
  fieldTemplateName?: string;
}

export { FORMS_TEMPLATES_DIR };

/**
 * Renders forms, fields, error lists and widgets through
 * `@manouche/templates` (Django's TemplatesSetting renderer), from the
 * built-in `forms/*.eta` unless a folder in `dirs` has its own version: a
 * project restyles forms by editing templates, without JavaScript.
 */
export class TemplatesFormRenderer implements FormRenderer {
  readonly engine: Engine;
  readonly formTemplateName: string;
  readonly formsetTemplateName: string;
  readonly fieldTemplateName: string;

  constructor(options: TemplatesFormRendererOptions = {}) {
    this.engine = options.engine ?? new Engine({ dirs: [...(options.dirs ?? []), FORMS_TEMPLATES_DIR], debug: options.debug });
    this.formTemplateName = options.formTemplateName ?? 'forms/div.eta';
    this.formsetTemplateName = options.formsetTemplateName ?? 'forms/formsets/div.eta';
    this.fieldTemplateName = options.fieldTemplateName ?? 'forms/field.eta';
  }

  /** The project's default engine (TEMPLATES[0]): `FORM_RENDERER: TemplatesFormRenderer.fromApp`. */
  static fromApp(app: Application): TemplatesFormRenderer {
    return new TemplatesFormRenderer({ engine: engines(app).engine() });
  }

  render(templateName: string, context: object): string {
    return this.engine.render(templateName, context as never);
  }
}
