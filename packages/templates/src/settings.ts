import type { EtaConfig } from 'eta';
import type { ContextProcessor } from './engine';
import type { FilterFunction } from './filters/index';
import type { FragmentCache } from './runtime';

/** One entry of TEMPLATES, Django's shape: folders, app folders, engine options. */
export interface TemplateEngineSetting {
  /** A name to find the engine by (`engines(app, 'email')`); defaults to its position. */
  NAME?: string;
  /** Project template folders, searched first. */
  DIRS?: string[];
  /** Also search each installed app's `templates/` folder, in INSTALLED_APPS order. Default true. */
  APP_DIRS?: boolean;
  OPTIONS?: {
    /** Functions of the request whose results every template rendered with a request sees. */
    contextProcessors?: ContextProcessor[];
    /** Recompile changed templates (stat on each render). Defaults to DEBUG. */
    debug?: boolean;
    filters?: Record<string, FilterFunction>;
    globals?: Record<string, unknown>;
    /** Fragment cache for `cache()`; default: the `cache` app's default cache when installed. */
    fragmentCache?: FragmentCache;
    /** Time zone of the date filters (Django's TIME_ZONE). Default "UTC". */
    timeZone?: string;
    /** Extension added to names without one. Default ".eta". */
    extension?: string;
    autoTrim?: EtaConfig['autoTrim'];
  };
}

declare module '@manouche/core' {
  interface Settings {
    /** The template engines (Django's TEMPLATES); the first that has a template renders it. */
    TEMPLATES: TemplateEngineSetting[];
    /** Client addresses for which the `debug` context processor sets `debug: true`. */
    INTERNAL_IPS: string[];
  }
}
