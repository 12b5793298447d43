import type { Application } from '../app/application';
import { secretKeyProblem } from '../conf/secret-key';

export type CheckLevel = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR' | 'CRITICAL';

/** One finding of a system check, as Django's CheckMessage (`security.W004`). */
export interface CheckMessage {
  level: CheckLevel;
  id: string;
  msg: string;
  hint?: string;
}

export interface CheckOptions {
  /** Run the deployment checks (`manouche check --deploy`). */
  deploy: boolean;
}

/** A system check: inspect the app and report problems. */
export interface Check {
  (app: Application, options: CheckOptions): CheckMessage[] | Promise<CheckMessage[]>;
  /** Only run with `--deploy`. */
  deployOnly?: boolean;
  tags?: string[];
}

export function defineCheck(fn: (app: Application, options: CheckOptions) => CheckMessage[] | Promise<CheckMessage[]>, options: { deployOnly?: boolean; tags?: string[] } = {}): Check {
  return Object.assign(fn, options);
}

/** Run the app's checks and return every message, most severe first. */
export async function runChecks(app: Application, options: CheckOptions): Promise<CheckMessage[]> {
  const messages: CheckMessage[] = [];
  for (const check of app.checks) {
    if (check.deployOnly && !options.deploy) continue;
    messages.push(...(await check(app, options)));
  }
  const order: CheckLevel[] = ['CRITICAL', 'ERROR', 'WARNING', 'INFO', 'DEBUG'];
  return messages.sort((a, b) => order.indexOf(a.level) - order.indexOf(b.level));
}

export function isSerious(message: CheckMessage): boolean {
  return message.level === 'ERROR' || message.level === 'CRITICAL';
}

const urlsCheck = defineCheck((app) => {
  const messages: CheckMessage[] = [];
  const seen = new Map<string, string>();
  for (const route of app.resolver.routes) {
    if (!route.viewName) continue;
    const earlier = seen.get(route.viewName);
    if (earlier !== undefined && earlier === route.route) {
      messages.push({ level: 'WARNING', id: 'urls.W005', msg: `URL name '${route.viewName}' is declared twice for the same route '${route.route}'; only the first is reachable.` });
    }
    seen.set(route.viewName, route.route);
  }
  return messages;
});

const settingsCheck = defineCheck((app) => {
  const s = app.settings;
  const messages: CheckMessage[] = [];
  if (!s.DEBUG && s.ALLOWED_HOSTS.length === 0) {
    messages.push({ level: 'ERROR', id: 'security.E001', msg: 'ALLOWED_HOSTS is empty while DEBUG is false: every request will be refused with a 400.', hint: 'List the host names the site serves, e.g. ["example.com"].' });
  }
  if (s.HTTP_HEADERS_TIMEOUT >= s.HTTP_REQUEST_TIMEOUT) {
    messages.push({ level: 'WARNING', id: 'core.W001', msg: 'HTTP_HEADERS_TIMEOUT should be shorter than HTTP_REQUEST_TIMEOUT.' });
  }
  if (s.STATICFILES_DIRS.some((d) => s.STATIC_ROOT !== null && d === s.STATIC_ROOT)) {
    messages.push({ level: 'ERROR', id: 'staticfiles.E002', msg: 'STATICFILES_DIRS should not contain STATIC_ROOT.' });
  }
  return messages;
});

const secretKeyCheck = defineCheck(
  (app) => {
    const problem = secretKeyProblem(app.settings.SECRET_KEY);
    const fallbacks = app.settings.SECRET_KEY_FALLBACKS.map((k, i) => [i, secretKeyProblem(k)] as const).filter(([, p]) => p);
    return [
      ...(problem ? [{ level: 'WARNING' as const, id: 'security.W009', msg: `Your SECRET_KEY is weak: ${problem}.`, hint: 'Generate a long random key and keep it out of source control.' }] : []),
      ...fallbacks.map(([i, p]) => ({ level: 'WARNING' as const, id: 'security.W025', msg: `SECRET_KEY_FALLBACKS[${i}] is weak: ${p}.` })),
    ];
  },
  { deployOnly: true },
);

const debugCheck = defineCheck(
  (app) =>
    app.settings.DEBUG
      ? [{ level: 'WARNING', id: 'security.W018', msg: 'You should not have DEBUG set to true in deployment.' }]
      : [],
  { deployOnly: true },
);

export const coreChecks: Check[] = [urlsCheck, settingsCheck, secretKeyCheck, debugCheck];
