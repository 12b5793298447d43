import {
  EmailValidator,
  MaxLengthValidator,
  MinLengthValidator,
  ProhibitNullCharactersValidator,
  RegexValidator,
  URLValidator,
  ValidationError,
  validateIpv46Address,
  validateIpv4Address,
  validateIpv6Address,
  validateSlug,
  validateUnicodeSlug,
  type ValidatorLike,
} from '@manouche/core';
import type { Attrs } from '../utils/attrs';
import { cleanIpv6Address } from '../utils/ip';
import { stableJson, toText } from '../utils/values';
import { EmailInput, Textarea, URLInput, type Widget } from '../widgets/widget';
import { Field, type FieldOptions } from './field';

export interface CharFieldOptions extends FieldOptions {
  maxLength?: number;
  minLength?: number;
  /** Trim surrounding whitespace (default true). */
  strip?: boolean;
  /** The cleaned value of an empty input (default ''); `null` is common for optional unique fields. */
  emptyValue?: string | null;
}

const nullCharacters = new ProhibitNullCharactersValidator();

/** Django's CharField: text, stripped, with optional length limits. */
export class CharField<T extends string | null = string> extends Field<T> {
  maxLength: number | undefined;
  minLength: number | undefined;
  strip: boolean;
  emptyValue: string | null;

  constructor(options: CharFieldOptions = {}) {
    super(options);
    this.maxLength = options.maxLength;
    this.minLength = options.minLength;
    this.strip = options.strip ?? true;
    this.emptyValue = options.emptyValue === undefined ? '' : options.emptyValue;
    if (this.minLength !== undefined) this.validators.push(new MinLengthValidator(this.minLength));
    if (this.maxLength !== undefined) this.validators.push(new MaxLengthValidator(this.maxLength));
    this.validators.push(nullCharacters);
  }

  toPython(value: unknown): T {
    if (value === null || value === undefined || value === '') return this.emptyValue as T;
    let text = typeof value === 'string' ? value : Array.isArray(value) ? toText(value[value.length - 1] ?? '') : toText(value);
    if (this.strip) text = text.trim();
    return (text === '' ? this.emptyValue : text) as T;
  }

  override widgetAttrs(widget: Widget): Attrs {
    const attrs: Attrs = {};
    if (widget.isHidden) return attrs;
    if (this.maxLength !== undefined) attrs.maxlength = String(this.maxLength);
    if (this.minLength !== undefined) attrs.minlength = String(this.minLength);
    return attrs;
  }
}

/** Django's RegexField: a CharField whose value must match `regex`. */
export class RegexField<T extends string | null = string> extends CharField<T> {
  readonly regex: RegExp;
  constructor(options: CharFieldOptions & { regex: RegExp | string; message?: string }) {
    super(options);
    const validator = new RegexValidator({ regex: options.regex, message: options.message });
    this.regex = validator.regex;
    this.validators.push(validator);
  }
}

/** Django's EmailField: checked by core's EmailValidator (the ORM's too). */
export class EmailField<T extends string | null = string> extends CharField<T> {
  static override defaultWidget = EmailInput;
  constructor(options: CharFieldOptions = {}) {
    super(options);
    this.validators.unshift(new EmailValidator());
  }
}

export interface URLFieldOptions extends CharFieldOptions {
  /** Scheme added to a URL typed without one (`example.com` → `https://example.com`). Django 6 defaults to https. */
  assumeScheme?: string;
  /** Accepted schemes (default http, https, ftp, ftps). */
  schemes?: string[];
}

/** `scheme://…`, or `scheme:` not followed by a port number (`mailto:x`, but not `host:8000`). */
const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:(?:\/\/|[^/\d])/i;

/** Django's URLField: adds a missing scheme, then core's URLValidator. */
export class URLField<T extends string | null = string> extends CharField<T> {
  static override defaultWidget = URLInput;
  static override defaultErrorMessages: Record<string, string> = { invalid: 'Enter a valid URL.' };
  readonly assumeScheme: string;

  constructor(options: URLFieldOptions = {}) {
    super(options);
    this.assumeScheme = options.assumeScheme ?? 'https';
    this.validators.unshift(new URLValidator({ schemes: options.schemes }));
  }

  override toPython(value: unknown): T {
    const text = super.toPython(value);
    if (!text) return text;
    // "example.com/page" has no scheme: Django reads the host from the path
    if (HAS_SCHEME.test(text)) return text;
    return `${this.assumeScheme}://${text.replace(/^\/\//, '')}` as T;
  }
}

/** Django's SlugField: letters, numbers, underscores, hyphens (any Unicode letter with `allowUnicode`). */
export class SlugField<T extends string | null = string> extends CharField<T> {
  readonly allowUnicode: boolean;
  constructor(options: CharFieldOptions & { allowUnicode?: boolean } = {}) {
    super(options);
    this.allowUnicode = options.allowUnicode ?? false;
    this.validators.unshift(this.allowUnicode ? validateUnicodeSlug : validateSlug);
  }
}

/** Django's UUIDField: accepts what Python's uuid.UUID() does; cleans to the lower-case hyphenated string. */
export class UUIDField<T extends string | null = string> extends CharField<T> {
  static override defaultErrorMessages: Record<string, string> = { invalid: 'Enter a valid UUID.' };

  constructor(options: FieldOptions = {}) {
    super({ ...options, emptyValue: null });
  }

  override toPython(value: unknown): T {
    const text = super.toPython(value);
    if (text === null) return text;
    const hex = text.replace('urn:', '').replace('uuid:', '').replace(/^\{+|\}+$/g, '').replace(/-/g, '');
    if (!/^[0-9a-f]{32}$/i.test(hex)) throw this.error('invalid', { value: text });
    const h = hex.toLowerCase();
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}` as T;
  }
}

export interface GenericIPAddressFieldOptions extends FieldOptions {
  /** 'both' (default), 'IPv4' or 'IPv6' — case-insensitive, as in Django. */
  protocol?: 'both' | 'IPv4' | 'IPv6' | 'ipv4' | 'ipv6';
  /** Turn an IPv4-mapped IPv6 address (::ffff:10.0.0.1) into the IPv4 address. */
  unpackIpv4?: boolean;
}

/** Django's GenericIPAddressField: IPv4 or IPv6, IPv6 cleaned to its compressed form. */
export class GenericIPAddressField<T extends string | null = string> extends CharField<T> {
  // Django raises this one with code "invalid"; it has its own key so that overriding
  // "invalid" does not also replace the IPv4 validator's message, and vice versa
  static override defaultErrorMessages: Record<string, string> = { invalid_ipv6: 'This is not a valid IPv6 address.' };
  readonly protocol: 'both' | 'ipv4' | 'ipv6';
  readonly unpackIpv4: boolean;

  constructor(options: GenericIPAddressFieldOptions = {}) {
    super({ ...options, maxLength: 39 });
    const protocol = (options.protocol ?? 'both').toLowerCase();
    if (protocol !== 'both' && protocol !== 'ipv4' && protocol !== 'ipv6') {
      throw new RangeError(`GenericIPAddressField protocol must be 'both', 'IPv4' or 'IPv6'; got ${JSON.stringify(options.protocol)}.`);
    }
    this.protocol = protocol;
    this.unpackIpv4 = options.unpackIpv4 ?? false;
    if (this.unpackIpv4 && protocol !== 'both') throw new RangeError('You can only use `unpackIpv4` if `protocol` is set to "both".');
    const validator: ValidatorLike<never> = protocol === 'ipv4' ? validateIpv4Address : protocol === 'ipv6' ? validateIpv6Address : validateIpv46Address;
    this.validators.unshift(validator);
  }

  override toPython(value: unknown): T {
    const text = super.toPython(value);
    if (!text || !text.includes(':')) return text;
    const clean = cleanIpv6Address(text, this.unpackIpv4);
    if (clean === null) throw new ValidationError(this.errorMessages.invalid_ipv6!, 'invalid', { protocol: 'IPv6', value: text });
    return clean as T;
  }
}

/** A JSON text that failed to parse, kept so the form shows back what was typed. */
class InvalidJSONInput {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface JSONFieldOptions extends FieldOptions {
  /** JSON.stringify replacer used to show the value. */
  encoder?: (key: string, value: unknown) => unknown;
  /** JSON.parse reviver used to read the submitted text. */
  decoder?: (key: string, value: unknown) => unknown;
}

/** Django's JSONField: a Textarea of JSON; a plain-object binding may pass the value itself. */
export class JSONField<T = JsonValue> extends Field<T> {
  static override defaultWidget = Textarea;
  static override defaultErrorMessages: Record<string, string> = { invalid: 'Enter a valid JSON.' };
  readonly encoder: ((key: string, value: unknown) => unknown) | undefined;
  readonly decoder: ((key: string, value: unknown) => unknown) | undefined;

  constructor(options: JSONFieldOptions = {}) {
    super(options);
    this.encoder = options.encoder;
    this.decoder = options.decoder;
  }

  toPython(value: unknown): T {
    if (this.disabled) return value as T;
    if (value === null || value === undefined || value === '') return null as T;
    if (typeof value !== 'string') return value as T;
    try {
      return JSON.parse(value, this.decoder) as T;
    } catch {
      throw this.error('invalid', { value });
    }
  }

  override boundData(data: unknown, initial: unknown): unknown {
    if (this.disabled) return initial;
    if (data === null || data === undefined) return null;
    if (typeof data !== 'string') return data;
    try {
      return JSON.parse(data, this.decoder);
    } catch {
      return new InvalidJSONInput(data);
    }
  }

  override prepareValue(value: unknown): unknown {
    if (value instanceof InvalidJSONInput) return value.text;
    return JSON.stringify(value, this.encoder as never) ?? 'null';
  }

  override hasChanged(initial: unknown, data: unknown): boolean {
    if (this.disabled) return false;
    let converted: unknown;
    try {
      converted = this.toPython(data);
    } catch {
      return true;
    }
    return stableJson(initial ?? null) !== stableJson(converted ?? null);
  }
}
