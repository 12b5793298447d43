import { type Application, type HttpRequest, ImproperlyConfigured, type ResponseInit, type TemplateRenderer } from '@manouche/core';
import { appTemplateDirs, Engine } from './engine';
import { TemplateDoesNotExist } from './errors';
import { TemplateResponse } from './response';
import type { TemplateEngineSetting } from './settings';

/**
 * The engines built from TEMPLATES, registered as the application's
 * `templateRenderer` by templatesApp(): core's TemplateView renders through it.
 */
export class TemplatesRenderer implements TemplateRenderer {
  readonly engines: readonly Engine[];
  private readonly names: readonly string[];

  constructor(readonly app: Application) {
    const setting = app.settings.TEMPLATES;
    if (!Array.isArray(setting) || setting.length === 0) {
      throw new ImproperlyConfigured('TEMPLATES must be a non-empty list of engines, e.g. [{ DIRS: ["templates"], APP_DIRS: true, OPTIONS: { contextProcessors: [] } }].');
    }
    this.engines = setting.map((entry, i) => engineFor(app, entry, i));
    this.names = setting.map((entry, i) => entry.NAME ?? String(i));
  }

  /** The engine named `name` (or at that position); the first one by default. */
  engine(name?: string): Engine {
    if (name === undefined) return this.engines[0]!;
    const index = this.names.indexOf(name);
    if (index < 0) throw new ImproperlyConfigured(`No template engine named ${JSON.stringify(name)}; TEMPLATES has: ${this.names.join(', ')}.`);
    return this.engines[index]!;
  }

  /** The first engine holding one of `names` (Django tries each engine in turn). */
  engineFor(names: string | readonly string[]): Engine {
    if (this.engines.length === 1) return this.engines[0]!;
    const tried: string[] = [];
    for (const engine of this.engines) {
      try {
        engine.selectTemplate(typeof names === 'string' ? [names] : names);
        return engine;
      } catch (error) {
        if (!(error instanceof TemplateDoesNotExist)) throw error;
        tried.push(...error.tried);
      }
    }
    throw new TemplateDoesNotExist(typeof names === 'string' ? names : names.join(', '), tried);
  }

  renderToString(names: string | readonly string[], context: object | undefined, request: HttpRequest | undefined): Promise<string> {
    try {
      return this.engineFor(names).renderAsync(names, context as never, request);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** core's TemplateRenderer: a deferred TemplateResponse, so processTemplateResponse middleware can change it. */
  renderToResponse(request: HttpRequest, templateName: string | readonly string[], context: Record<string, unknown>, init?: ResponseInit): TemplateResponse {
    return new TemplateResponse(request, templateName, context, init);
  }
}

function engineFor(app: Application, entry: TemplateEngineSetting, i: number): Engine {
  if (!entry || typeof entry !== 'object') throw new ImproperlyConfigured(`TEMPLATES[${i}] must be an object like { DIRS, APP_DIRS, OPTIONS }; got ${JSON.stringify(entry)}.`);
  const options = entry.OPTIONS ?? {};
  return new Engine({
    dirs: entry.DIRS ?? [],
    appDirs: entry.APP_DIRS === false ? [] : appTemplateDirs(app.apps),
    debug: options.debug ?? app.settings.DEBUG,
    contextProcessors: options.contextProcessors ?? [],
    filters: options.filters,
    globals: options.globals,
    fragmentCache: options.fragmentCache,
    timeZone: options.timeZone,
    extension: options.extension,
    autoTrim: options.autoTrim,
    app,
  });
}

/**
 * The application's template engines (Django's `django.template.engines`):
 * `engines(app).engine()` is the first, `engines(app).engine('email')` a named one.
 */
export function engines(app: Application): TemplatesRenderer {
  const renderer = app.templateRenderer;
  if (renderer instanceof TemplatesRenderer) return renderer;
  throw new ImproperlyConfigured('No @manouche/templates engine on this application: add templatesApp() to INSTALLED_APPS (its ready() hook runs when the app starts).');
}
