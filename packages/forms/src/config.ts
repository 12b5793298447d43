import type { FormRenderer } from './renderers/renderer';

/**
 * Turns one of Django's English messages (or a label such as "Clear") into
 * the user's language. It receives the message before `%(name)s` parameters
 * are substituted, like gettext.
 */
export type Translator = (message: string) => string;

export interface FormsConfig {
  /** Translates error messages and the few words widgets print; identity by default. */
  translator: Translator;
  /** IANA zone in which DateTimeField reads (and DateTimeInput shows) a date-time without an offset (Django's TIME_ZONE). */
  timeZone: string;
  /** The renderer forms use when neither the form nor its class names one (Django's FORM_RENDERER). */
  renderer: FormRenderer | null;
}

const identity: Translator = (message) => message;

/** Process-wide defaults; a form instance may override the translator and renderer (per request language). */
export const formsConfig: FormsConfig = { translator: identity, timeZone: 'UTC', renderer: null };

/** Change the process-wide defaults, e.g. `configureForms({ translator: (m) => catalog[m] ?? m })`. */
export function configureForms(changes: Partial<FormsConfig>): void {
  if (changes.timeZone !== undefined) checkTimeZone(changes.timeZone);
  if (changes.translator === null) changes = { ...changes, translator: identity };
  Object.assign(formsConfig, changes);
}

/** Throws a clear error for a zone Intl does not know, instead of a RangeError at the first render. */
export function checkTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new RangeError(`Unknown time zone ${JSON.stringify(timeZone)}; expected an IANA name such as "UTC" or "Europe/Paris".`);
  }
}
