const KNOWN_WEAK = new Set(['', 'changeme', 'change-me', 'secret', 'secret-key', 'secretkey', 'dev', 'development', 'test', 'password', 'your-secret-key', 'insecure']);
const INSECURE_PREFIXES = ['django-insecure-', 'manouche-insecure-'];

/** The minimum Django's deployment check asks for. */
export const SECRET_KEY_MIN_LENGTH = 50;
export const SECRET_KEY_MIN_UNIQUE_CHARACTERS = 5;

/** Why `key` is unfit for production, or null when it is fine. */
export function secretKeyProblem(key: string | undefined | null): string | null {
  if (!key) return 'SECRET_KEY is missing';
  if (KNOWN_WEAK.has(key.toLowerCase())) return 'SECRET_KEY is a well-known placeholder value';
  if (INSECURE_PREFIXES.some((p) => key.startsWith(p))) return `SECRET_KEY starts with "${INSECURE_PREFIXES.find((p) => key.startsWith(p))}", the marker of a development key`;
  if (key.length < SECRET_KEY_MIN_LENGTH) return `SECRET_KEY is only ${key.length} characters long (at least ${SECRET_KEY_MIN_LENGTH} are required)`;
  if (new Set(key).size < SECRET_KEY_MIN_UNIQUE_CHARACTERS) return `SECRET_KEY has fewer than ${SECRET_KEY_MIN_UNIQUE_CHARACTERS} distinct characters`;
  return null;
}
