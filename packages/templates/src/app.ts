import { existsSync } from 'node:fs';
import { type AppConfig, type CheckMessage, defineApp, defineCheck } from '@manouche/core';
import { contextProcessors } from './context-processors';
import { TemplatesRenderer } from './renderer';
import type { TemplateEngineSetting } from './settings';

/** TEMPLATES when the project sets none: app folders, Django's default processors minus auth's. */
export function defaultTemplatesSetting(): TemplateEngineSetting[] {
  return [{ DIRS: [], APP_DIRS: true, OPTIONS: { contextProcessors: [contextProcessors.debug, contextProcessors.request, contextProcessors.static] } }];
}

const templatesCheck = defineCheck((app) => {
  const messages: CheckMessage[] = [];
  const setting = app.settings.TEMPLATES;
  if (!Array.isArray(setting)) {
    return [{ level: 'ERROR', id: 'templates.E001', msg: 'TEMPLATES must be a list of engine settings.', hint: 'TEMPLATES: [{ DIRS: ["templates"], APP_DIRS: true, OPTIONS: {} }]' }];
  }
  setting.forEach((entry, i) => {
    for (const dir of entry?.DIRS ?? []) {
      if (!existsSync(dir)) messages.push({ level: 'WARNING', id: 'templates.W001', msg: `TEMPLATES[${i}].DIRS lists ${JSON.stringify(dir)}, which does not exist.` });
    }
    (entry?.OPTIONS?.contextProcessors ?? []).forEach((processor, j) => {
      if (typeof processor !== 'function') {
        messages.push({ level: 'ERROR', id: 'templates.E002', msg: `TEMPLATES[${i}].OPTIONS.contextProcessors[${j}] is not a function (request) => object.` });
      }
    });
  });
  return messages;
});

/**
 * The templates app for INSTALLED_APPS: adds TEMPLATES (and INTERNAL_IPS) to
 * the settings and, when the application starts, builds the engines and
 * registers them as `app.templateRenderer` — core's TemplateView, the
 * TemplateResponse class and render() all use them. With DEBUG off, every
 * template is compiled at start-up.
 */
export function templatesApp(): AppConfig & { label: 'templates' } {
  return defineApp({
    label: 'templates' as const,
    defaults: { TEMPLATES: defaultTemplatesSetting(), INTERNAL_IPS: [] },
    checks: [templatesCheck],
    ready(app) {
      const renderer = new TemplatesRenderer(app);
      app.templateRenderer = renderer;
      // In production every template is compiled at start-up, so a request never waits on the disk.
      // In DEBUG they load on demand and are re-checked on each render (edits show without a restart).
      if (!app.settings.DEBUG) {
        for (const engine of renderer.engines) {
          for (const { name, error } of engine.preload().failed) {
            app.logger.warn(`Template ${name} does not compile; rendering it will fail: ${(error as Error).message}`);
          }
        }
      }
    },
  });
}
