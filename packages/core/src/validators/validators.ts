import { isIPv4, isIPv6 } from 'node:net';
import { domainToASCII } from 'node:url';
import { type ErrorParams, ValidationError } from './errors';

/**
 * Django's validators (django/core/validators.py) with the same messages and
 * codes. Each is a function that throws ValidationError; classes carry their
 * configuration (`new MaxLengthValidator(200)`) and are callable through
 * `validate(value)` — `asFunction()` turns any of them into a plain function.
 */
export abstract class BaseValidator<T = unknown> {
  abstract readonly code: string;
  abstract readonly message: string;
  abstract validate(value: T): void;

  protected fail(params: ErrorParams): never {
    throw new ValidationError(this.message, this.code, params);
  }

  /** A plain `(value) => void` function, as `Field({ validators })` and forms accept. */
  asFunction(): (value: T) => void {
    return (value) => this.validate(value);
  }
}

interface RegexOptions {
  regex?: RegExp | string;
  message?: string;
  code?: string;
  /** Fail when the regex matches instead of when it does not. */
  inverseMatch?: boolean;
  flags?: string;
}

export class RegexValidator extends BaseValidator<string> {
  readonly regex: RegExp;
  readonly message: string;
  readonly code: string;
  readonly inverseMatch: boolean;

  constructor(options: RegexOptions | RegExp | string = {}) {
    super();
    const o: RegexOptions = typeof options === 'string' || options instanceof RegExp ? { regex: options } : options;
    const source = o.regex ?? '';
    this.regex = typeof source === 'string' ? new RegExp(source, o.flags ?? '') : o.flags ? new RegExp(source.source, o.flags) : source;
    this.message = o.message ?? 'Enter a valid value.';
    this.code = o.code ?? 'invalid';
    this.inverseMatch = o.inverseMatch ?? false;
  }

  validate(value: string): void {
    const text = String(value);
    // a global/sticky regex keeps lastIndex between calls: reset it so results never depend on history
    this.regex.lastIndex = 0;
    const matched = this.regex.test(text);
    if (matched === this.inverseMatch) this.fail({ value });
  }
}

const UL = '\u00a1-\uffff';
const IPV4 = '(?:0|25[0-5]|2[0-4][0-9]|1[0-9]?[0-9]?|[1-9][0-9]?)(?:\\.(?:0|25[0-5]|2[0-4][0-9]|1[0-9]?[0-9]?|[1-9][0-9]?)){3}';
const IPV6 = '\\[[0-9a-f:.]+\\]';
const HOSTNAME = `[a-z${UL}0-9](?:[a-z${UL}0-9-]{0,61}[a-z${UL}0-9])?`;
const DOMAIN = `(?:\\.(?!-)[a-z${UL}0-9-]{1,63}(?<!-))*`;
const TLD = `\\.(?!-)(?:[a-z${UL}-]{2,63}|xn--[a-z0-9]{1,59})(?<!-)\\.?`;
const HOST = `(${HOSTNAME}${DOMAIN}${TLD}|localhost)`;
const URL_REGEX = new RegExp(
  `^(?:[a-z0-9.+-]*)://(?:[^\\s:@/]+(?::[^\\s:@/]*)?@)?(?:${IPV4}|${IPV6}|${HOST})(?::[0-9]{1,5})?(?:[/?#][^\\s]*)?$`,
  'i',
);

export class URLValidator extends BaseValidator<string> {
  readonly message: string;
  readonly code = 'invalid';
  readonly schemes: string[];
  readonly maxLength = 2048;

  constructor(options: { schemes?: string[]; message?: string } = {}) {
    super();
    this.schemes = options.schemes ?? ['http', 'https', 'ftp', 'ftps'];
    this.message = options.message ?? 'Enter a valid URL.';
  }

  validate(value: string): void {
    if (typeof value !== 'string' || value.length > this.maxLength || /[\t\r\n]/.test(value)) this.fail({ value });
    const scheme = value.split('://')[0]!.toLowerCase();
    if (!this.schemes.includes(scheme)) this.fail({ value });
    if (!URL_REGEX.test(value)) this.fail({ value });
    const authority = /^[^:]+:\/\/([^/?#]*)/.exec(value)?.[1] ?? '';
    const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
    const bracketed = /^\[(.+)\](?::[0-9]{1,5})?$/.exec(hostPort);
    if (bracketed && !isIPv6(bracketed[1]!)) this.fail({ value });
    const hostname = bracketed ? bracketed[1]! : hostPort.replace(/:[0-9]{1,5}$/, '');
    if (!hostname || hostname.length > 253) this.fail({ value });
  }
}

const EMAIL_USER = /(^[-!#$%&'*+/=?^_`{}|~0-9A-Z]+(\.[-!#$%&'*+/=?^_`{}|~0-9A-Z]+)*$|^"([\x01-\x08\x0b\x0c\x0e-\x1f!#-[\]-\x7f]|\\[\x01-\x09\x0b\x0c\x0e-\x7f])*"$)/i;
const EMAIL_DOMAIN = /^((?:[A-Z0-9](?:[A-Z0-9-]{0,61}[A-Z0-9])?\.)+)(?:[A-Z0-9-]{2,63}(?<!-))$/i;
const EMAIL_LITERAL = /^\[([A-F0-9:.]+)\]$/i;

export class EmailValidator extends BaseValidator<string> {
  readonly message: string;
  readonly code: string;
  readonly domainAllowlist: string[];

  constructor(options: { message?: string; code?: string; allowlist?: string[] } = {}) {
    super();
    this.message = options.message ?? 'Enter a valid email address.';
    this.code = options.code ?? 'invalid';
    this.domainAllowlist = options.allowlist ?? ['localhost'];
  }

  validate(value: string): void {
    if (typeof value !== 'string' || !value || !value.includes('@') || value.length > 320) this.fail({ value });
    const at = value.lastIndexOf('@');
    const user = value.slice(0, at);
    const domain = value.slice(at + 1);
    if (!EMAIL_USER.test(user)) this.fail({ value });
    if (this.domainAllowlist.includes(domain) || this.validDomain(domain)) return;
    // an internationalised domain is valid when its punycode form is
    const ascii = domainToASCII(domain);
    if (ascii && ascii !== domain && this.validDomain(ascii)) return;
    this.fail({ value });
  }

  private validDomain(domain: string): boolean {
    if (EMAIL_DOMAIN.test(domain)) return true;
    const literal = EMAIL_LITERAL.exec(domain);
    return literal !== null && (isIPv4(literal[1]!) || isIPv6(literal[1]!));
  }
}

abstract class LimitValidator<T> extends BaseValidator<T> {
  readonly message: string;
  constructor(readonly limitValue: number, message: string | undefined, defaultMessage: string) {
    super();
    this.message = message ?? defaultMessage;
  }
  protected abstract compare(cleaned: number, limit: number): boolean;
  protected clean(value: T): number {
    return Number(value);
  }
  validate(value: T): void {
    const cleaned = this.clean(value);
    if (this.compare(cleaned, this.limitValue)) this.fail({ limit_value: this.limitValue, show_value: cleaned, value });
  }
}

export class MaxValueValidator extends LimitValidator<number | string | Date> {
  readonly code = 'max_value';
  constructor(limitValue: number, message?: string) {
    super(limitValue, message, 'Ensure this value is less than or equal to %(limit_value)s.');
  }
  protected compare(a: number, b: number): boolean {
    return a > b;
  }
}

export class MinValueValidator extends LimitValidator<number | string | Date> {
  readonly code = 'min_value';
  constructor(limitValue: number, message?: string) {
    super(limitValue, message, 'Ensure this value is greater than or equal to %(limit_value)s.');
  }
  protected compare(a: number, b: number): boolean {
    return a < b;
  }
}

export class StepValueValidator extends LimitValidator<number | string> {
  readonly code = 'step_size';
  constructor(limitValue: number, readonly offset = 0, message?: string) {
    super(limitValue, message, offset ? 'Ensure this value is a multiple of step size %(limit_value)s, starting from %(offset)s, e.g. %(offset)s, %(valid_value1)s, %(valid_value2)s, and so on.' : 'Ensure this value is a multiple of step size %(limit_value)s.');
  }
  protected compare(a: number, step: number): boolean {
    const quotient = (a - this.offset) / step;
    return Math.abs(quotient - Math.round(quotient)) > 1e-9;
  }
  override validate(value: number | string): void {
    const cleaned = this.clean(value);
    if (this.compare(cleaned, this.limitValue)) {
      this.fail({ limit_value: this.limitValue, show_value: cleaned, value, offset: this.offset, valid_value1: this.offset + this.limitValue, valid_value2: this.offset + 2 * this.limitValue });
    }
  }
}

/** Counts characters as Python does (code points, not UTF-16 units). */
const length = (value: string): number => {
  let n = 0;
  for (const _ of value) n++;
  return n;
};

export class MinLengthValidator extends LimitValidator<string> {
  readonly code = 'min_length';
  constructor(limitValue: number, message?: string) {
    super(limitValue, message, limitValue === 1
      ? 'Ensure this value has at least %(limit_value)d character (it has %(show_value)d).'
      : 'Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).');
  }
  protected override clean(value: string): number {
    return length(String(value));
  }
  protected compare(a: number, b: number): boolean {
    return a < b;
  }
}

export class MaxLengthValidator extends LimitValidator<string> {
  readonly code = 'max_length';
  constructor(limitValue: number, message?: string) {
    super(limitValue, message, limitValue === 1
      ? 'Ensure this value has at most %(limit_value)d character (it has %(show_value)d).'
      : 'Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).');
  }
  protected override clean(value: string): number {
    return length(String(value));
  }
  protected compare(a: number, b: number): boolean {
    return a > b;
  }
}

const plural = (n: number, one: string, many: string): string => (n === 1 ? one : many);

/**
 * Checks a decimal's total digits and decimal places, like Django's
 * DecimalValidator. Accepts a number or a decimal string (`'12.50'`).
 */
export class DecimalValidator extends BaseValidator<string | number> {
  readonly code = 'invalid';
  readonly message = 'Enter a number.';

  constructor(readonly maxDigits: number | null, readonly decimalPlaces: number | null) {
    super();
  }

  validate(value: string | number): void {
    const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : 'NaN') : String(value).trim();
    const match = /^[+-]?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
    if (!match || (match[1] === '' && (match[2] ?? '') === '')) throw new ValidationError(this.message, 'invalid', { value });
    // normalise to Python's Decimal.as_tuple(): significant digits and an exponent
    const digitTuple = `${match[1]}${match[2] ?? ''}`.replace(/^0+/, '') || '0';
    const exponent = Number(match[3] ?? 0) - (match[2] ?? '').length;
    let digits: number;
    let decimals: number;
    if (exponent >= 0) {
      digits = digitTuple.length + (digitTuple === '0' ? 0 : exponent);
      decimals = 0;
    } else {
      decimals = -exponent;
      digits = Math.max(decimals, digitTuple.length);
    }
    const wholeDigits = digits - decimals;
    if (this.maxDigits !== null && digits > this.maxDigits) {
      throw new ValidationError(`Ensure that there are no more than %(max)s ${plural(this.maxDigits, 'digit', 'digits')} in total.`, 'max_digits', { max: this.maxDigits, value });
    }
    if (this.decimalPlaces !== null && decimals > this.decimalPlaces) {
      throw new ValidationError(`Ensure that there are no more than %(max)s ${plural(this.decimalPlaces, 'decimal place', 'decimal places')}.`, 'max_decimal_places', { max: this.decimalPlaces, value });
    }
    if (this.maxDigits !== null && this.decimalPlaces !== null && wholeDigits > this.maxDigits - this.decimalPlaces) {
      const max = this.maxDigits - this.decimalPlaces;
      throw new ValidationError(`Ensure that there are no more than %(max)s ${plural(max, 'digit', 'digits')} before the decimal point.`, 'max_whole_digits', { max, value });
    }
  }
}

export class ProhibitNullCharactersValidator extends BaseValidator<string> {
  readonly code = 'null_characters_not_allowed';
  readonly message = 'Null characters are not allowed.';
  validate(value: string): void {
    if (String(value).includes('\0')) this.fail({ value });
  }
}

export class FileExtensionValidator extends BaseValidator<string | { name: string }> {
  readonly code = 'invalid_extension';
  readonly message = 'File extension “%(extension)s” is not allowed. Allowed extensions are: %(allowed_extensions)s.';
  readonly allowedExtensions: string[] | null;

  constructor(allowedExtensions: string[] | null = null) {
    super();
    this.allowedExtensions = allowedExtensions?.map((e) => e.toLowerCase()) ?? null;
  }

  validate(value: string | { name: string }): void {
    const name = typeof value === 'string' ? value : value.name;
    const dot = name.lastIndexOf('.');
    const extension = dot === -1 ? '' : name.slice(dot + 1).toLowerCase();
    if (this.allowedExtensions !== null && !this.allowedExtensions.includes(extension)) {
      this.fail({ extension, allowed_extensions: this.allowedExtensions.join(', '), value });
    }
  }
}

const slugValidator = new RegexValidator({ regex: /^[-a-zA-Z0-9_]+$/, message: 'Enter a valid “slug” consisting of letters, numbers, underscores or hyphens.' });
const unicodeSlugValidator = new RegexValidator({ regex: /^[-\p{L}\p{N}_]+$/u, message: 'Enter a valid “slug” consisting of Unicode letters, numbers, underscores, or hyphens.' });
const integerValidator = new RegexValidator({ regex: /^-?\d+$/, message: 'Enter a valid integer.' });
const commaSeparatedIntegers = new RegexValidator({ regex: /^\d+(?:,\d+)*$/, message: 'Enter only digits separated by commas.' });

export const validateSlug = (value: string): void => slugValidator.validate(value);
export const validateUnicodeSlug = (value: string): void => unicodeSlugValidator.validate(value);
export const validateInteger = (value: string | number): void => integerValidator.validate(String(value));
export const validateCommaSeparatedIntegerList = (value: string): void => commaSeparatedIntegers.validate(value);
export const validateEmail = (value: string): void => new EmailValidator().validate(value);

export function validateIpv4Address(value: string): void {
  if (!isIPv4(String(value))) throw new ValidationError('Enter a valid %(protocol)s address.', 'invalid', { protocol: 'IPv4', value });
}
export function validateIpv6Address(value: string): void {
  if (!isIPv6(String(value))) throw new ValidationError('Enter a valid %(protocol)s address.', 'invalid', { protocol: 'IPv6', value });
}
export function validateIpv46Address(value: string): void {
  if (!isIPv4(String(value)) && !isIPv6(String(value))) throw new ValidationError('Enter a valid %(protocol)s address.', 'invalid', { protocol: 'IPv4 or IPv6', value });
}

/** A validator class instance or a plain function: what `validators: [...]` accepts. */
export type ValidatorLike<T = never> = ((value: T) => void) | { validate(value: T): void };

/** Run one validator of either form. */
export function runValidator<T>(validator: ValidatorLike<T>, value: T): void {
  if (typeof validator === 'function') validator(value);
  else validator.validate(value);
}

/** Run all validators, collecting every error rather than stopping at the first. */
export function runValidators<T>(validators: readonly ValidatorLike<T>[], value: T): void {
  const errors: ValidationError[] = [];
  for (const validator of validators) {
    try {
      runValidator(validator, value);
    } catch (error) {
      if (error instanceof ValidationError) errors.push(...error.errorList);
      else throw error;
    }
  }
  if (errors.length) throw new ValidationError(errors);
}
