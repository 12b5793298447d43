import type { AppConfig, Application } from '@manouche/core';
import { configureForms } from './config';
import type { FormRenderer } from './renderers/renderer';
import { FORMS_PACKAGE_DIR } from './template-dir';

/** A renderer, or a function of the application building one at start-up (e.g. from its template engines). */
export type FormRendererSetting = FormRenderer | ((app: Application) => FormRenderer) | null;

declare module '@manouche/core' {
  interface Settings {
    /** The renderer every form uses by default (Django's FORM_RENDERER); null for the built-in one. */
    FORM_RENDERER: FormRendererSetting;
  }
}

/**
 * The forms app for INSTALLED_APPS: its `templates/` folder (the default
 * `forms/*.eta`) joins the project's template engines, so a project template
 * `forms/field.eta` overrides the built-in one; and FORM_RENDERER is applied
 * when the application starts. List it after templatesApp().
 */
export function formsApp(): AppConfig {
  return {
    label: 'forms',
    path: FORMS_PACKAGE_DIR,
    defaults: { FORM_RENDERER: null },
    ready(app: Application) {
      const setting = app.settings.FORM_RENDERER;
      if (setting === null || setting === undefined) return;
      configureForms({ renderer: typeof setting === 'function' ? setting(app) : setting });
    },
  };
}
