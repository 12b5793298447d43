import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { formatMessage, getSettings, ImproperlyConfigured, settingsConfigured, ValidationError } from '@manouche/core';
import { authSettings } from './settings';

/** A password validator (Django's): `validate()` throws ValidationError, `getHelpText()` explains the rule. */
export interface PasswordValidator {
  validate(password: string, user?: object | null): void;
  getHelpText(): string;
  /** Called after a password was set (Django's `password_changed`). */
  passwordChanged?(password: string, user?: object | null): void;
}

type ValidatorClass = new (options?: any) => PasswordValidator;

/** An AUTH_PASSWORD_VALIDATORS entry: `{ NAME: MinimumLengthValidator, OPTIONS: { minLength: 12 } }`, or a validator. */
export type PasswordValidatorSetting = { NAME: ValidatorClass; OPTIONS?: Record<string, unknown> } | PasswordValidator;

/** Django's MinimumLengthValidator (8 characters by default). */
export class MinimumLengthValidator implements PasswordValidator {
  readonly minLength: number;

  constructor(options: { minLength?: number } = {}) {
    this.minLength = options.minLength ?? 8;
  }

  validate(password: string): void {
    if ([...password].length < this.minLength) {
      throw new ValidationError(
        this.minLength === 1 ? 'This password is too short. It must contain at least %(min_length)d character.' : 'This password is too short. It must contain at least %(min_length)d characters.',
        'password_too_short',
        { min_length: this.minLength },
      );
    }
  }

  getHelpText(): string {
    return formatMessage(this.minLength === 1 ? 'Your password must contain at least %(min_length)d character.' : 'Your password must contain at least %(min_length)d characters.', { min_length: this.minLength });
  }
}

/** difflib.SequenceMatcher(a, b).quick_ratio(): an upper bound of the similarity, from shared characters. */
function quickRatio(a: string, b: string): number {
  const counts = new Map<string, number>();
  for (const ch of b) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let matches = 0;
  for (const ch of a) {
    const left = counts.get(ch) ?? 0;
    if (left > 0) {
      matches++;
      counts.set(ch, left - 1);
    }
  }
  const length = a.length + b.length;
  return length ? (2 * matches) / length : 1;
}

/**
 * Django's UserAttributeSimilarityValidator: refuses a password too similar
 * to the username, names or email (or a part of them).
 */
export class UserAttributeSimilarityValidator implements PasswordValidator {
  static readonly DEFAULT_USER_ATTRIBUTES = ['username', 'firstName', 'lastName', 'email'] as const;
  readonly userAttributes: readonly string[];
  readonly maxSimilarity: number;

  constructor(options: { userAttributes?: readonly string[]; maxSimilarity?: number } = {}) {
    this.userAttributes = options.userAttributes ?? UserAttributeSimilarityValidator.DEFAULT_USER_ATTRIBUTES;
    this.maxSimilarity = options.maxSimilarity ?? 0.7;
    if (this.maxSimilarity < 0.1) throw new ImproperlyConfigured(`UserAttributeSimilarityValidator's maxSimilarity must be at least 0.1; got ${this.maxSimilarity}.`);
  }

  validate(password: string, user?: object | null): void {
    if (!user) return;
    const lower = password.toLowerCase();
    for (const attribute of this.userAttributes) {
      const value = (user as Record<string, unknown>)[attribute];
      if (!value || typeof value !== 'string') continue;
      const valueLower = value.toLowerCase();
      for (const part of [...valueLower.split(/[^\p{L}\p{N}_]+/u), valueLower]) {
        // a short attribute inside a long password is not a reason to refuse it
        if (lower.length >= 10 * part.length && part.length < (this.maxSimilarity / 2) * lower.length) continue;
        if (quickRatio(lower, part) >= this.maxSimilarity) {
          throw new ValidationError('The password is too similar to the %(verbose_name)s.', 'password_too_similar', { verbose_name: verboseNameOf(user, attribute) });
        }
      }
    }
  }

  getHelpText(): string {
    return 'Your password can’t be too similar to your other personal information.';
  }
}

function verboseNameOf(user: object, attribute: string): string {
  const meta = (user.constructor as { _meta?: { fieldMap?: Map<string, { verboseName?: string }> } })._meta;
  return meta?.fieldMap?.get(attribute)?.verboseName ?? attribute.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

/** The common-passwords list shipped with the package (see the README for its source). */
export const DEFAULT_PASSWORD_LIST_PATH = join(__dirname, '..', 'data', 'common-passwords.txt.gz');

const lists = new Map<string, Set<string>>();

function loadList(path: string): Set<string> {
  let list = lists.get(path);
  if (!list) {
    const raw = readFileSync(path);
    const text = path.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
    list = new Set(text.split('\n').map((line) => line.trim()).filter(Boolean));
    lists.set(path, list);
  }
  return list;
}

/**
 * Django's CommonPasswordValidator: refuses the ~49,000 most common passwords
 * (compared lower-cased), or those of your own list (one per line, gzipped or not).
 */
export class CommonPasswordValidator implements PasswordValidator {
  readonly passwordListPath: string;

  constructor(options: { passwordListPath?: string } = {}) {
    this.passwordListPath = options.passwordListPath ?? DEFAULT_PASSWORD_LIST_PATH;
  }

  get passwords(): Set<string> {
    return loadList(this.passwordListPath);
  }

  validate(password: string): void {
    if (this.passwords.has(password.toLowerCase().trim())) throw new ValidationError('This password is too common.', 'password_too_common');
  }

  getHelpText(): string {
    return 'Your password can’t be a commonly used password.';
  }
}

/** Django's NumericPasswordValidator: refuses passwords made only of digits. */
export class NumericPasswordValidator implements PasswordValidator {
  validate(password: string): void {
    if (/^\p{Nd}+$/u.test(password)) throw new ValidationError('This password is entirely numeric.', 'password_entirely_numeric');
  }

  getHelpText(): string {
    return 'Your password can’t be entirely numeric.';
  }
}

const built = new WeakMap<readonly PasswordValidatorSetting[], PasswordValidator[]>();

/** Instantiate AUTH_PASSWORD_VALIDATORS entries (Django's `get_password_validators`). */
export function getPasswordValidators(setting?: readonly PasswordValidatorSetting[]): PasswordValidator[] {
  const entries = setting ?? authSettings(settingsConfigured() ? getSettings() : {}).AUTH_PASSWORD_VALIDATORS;
  let validators = built.get(entries);
  if (!validators) {
    validators = entries.map((entry, i) => {
      if (entry && typeof (entry as PasswordValidator).validate === 'function') return entry as PasswordValidator;
      const Name = (entry as { NAME?: unknown })?.NAME;
      if (typeof Name !== 'function') {
        throw new ImproperlyConfigured(`AUTH_PASSWORD_VALIDATORS[${i}] must be { NAME: SomeValidator, OPTIONS?: {…} } or a validator object; got ${JSON.stringify(entry)}.`);
      }
      return new (Name as ValidatorClass)((entry as { OPTIONS?: Record<string, unknown> }).OPTIONS ?? {});
    });
    built.set(entries, validators);
  }
  return validators;
}

/**
 * Django's `validate_password`: run every validator and throw one
 * ValidationError holding all their messages.
 */
export function validatePassword(password: string, user?: object | null, validators: readonly PasswordValidator[] = getPasswordValidators()): void {
  const errors: ValidationError[] = [];
  for (const validator of validators) {
    try {
      validator.validate(password, user);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      errors.push(error);
    }
  }
  if (errors.length) throw new ValidationError(errors);
}

/** Tell the validators a password was set (Django's `password_changed`). */
export function passwordChanged(password: string, user?: object | null, validators: readonly PasswordValidator[] = getPasswordValidators()): void {
  for (const validator of validators) validator.passwordChanged?.(password, user);
}

/** Each validator's help text (Django's `password_validators_help_texts`). */
export function passwordValidatorsHelpTexts(validators: readonly PasswordValidator[] = getPasswordValidators()): string[] {
  return validators.map((v) => v.getHelpText());
}
