import { ImproperlyConfigured } from '../errors/exceptions';

export const ENV_PREFIX = 'MANOUCHE_';

const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off', '']);

/**
 * Override settings from `MANOUCHE_<NAME>` variables, parsing each by the
 * type of the setting it replaces: booleans (true/false/1/0/yes/no/on/off),
 * numbers, lists (comma-separated or a JSON array), objects (JSON), strings.
 */
export function applyEnvironment(target: Record<string, unknown>, env: Record<string, string | undefined>): void {
  for (const [variable, raw] of Object.entries(env)) {
    if (!variable.startsWith(ENV_PREFIX) || raw === undefined) continue;
    const name = variable.slice(ENV_PREFIX.length);
    if (!(name in target)) continue; // MANOUCHE_PROJECT and friends are not settings
    target[name] = parseFor(name, target[name], raw, variable);
  }
}

function parseFor(name: string, current: unknown, raw: string, variable: string): unknown {
  const fail = (expected: string): never => {
    throw new ImproperlyConfigured(`${variable}=${JSON.stringify(raw)} is not valid for ${name}: expected ${expected}.`);
  };
  if (raw.trim() === 'null') return null;
  if (current === null && /^\s*[[{]/.test(raw)) return parseJson(raw) ?? fail('valid JSON');
  if (typeof current === 'boolean') {
    const v = raw.trim().toLowerCase();
    if (TRUE.has(v)) return true;
    if (FALSE.has(v)) return false;
    return fail('one of true, false, 1, 0, yes, no, on, off');
  }
  if (typeof current === 'number') {
    const n = Number(raw);
    return raw.trim() === '' || !Number.isFinite(n) ? fail('a number') : n;
  }
  if (Array.isArray(current)) {
    if (current.some((item) => typeof item === 'function' || (typeof item === 'object' && item !== null))) {
      return fail(`a value set in the settings module (${name} holds code, not data)`);
    }
    const text = raw.trim();
    if (text.startsWith('[')) {
      const parsed = parseJson(text);
      return Array.isArray(parsed) ? parsed : fail('a JSON array or a comma-separated list');
    }
    return text === '' ? [] : text.split(',').map((s) => s.trim()).filter(Boolean);
  }
  if (current instanceof RegExp) return new RegExp(raw, 'i');
  if (current !== null && typeof current === 'object') {
    const parsed = parseJson(raw);
    return parsed !== null && typeof parsed === 'object' ? parsed : fail('a JSON object');
  }
  if (typeof current === 'function') return fail(`a value set in the settings module (${name} holds code, not data)`);
  return raw;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
