import { ImproperlyConfigured } from '@manouche/core';
import { describe } from '../settings';

/** Django's `CSP` constants: source keywords, the nonce placeholder and the header names. */
export const CSP = {
  HEADER_ENFORCE: 'Content-Security-Policy',
  HEADER_REPORT_ONLY: 'Content-Security-Policy-Report-Only',
  NONE: "'none'",
  REPORT_SAMPLE: "'report-sample'",
  SELF: "'self'",
  STRICT_DYNAMIC: "'strict-dynamic'",
  UNSAFE_EVAL: "'unsafe-eval'",
  UNSAFE_HASHES: "'unsafe-hashes'",
  UNSAFE_INLINE: "'unsafe-inline'",
  WASM_UNSAFE_EVAL: "'wasm-unsafe-eval'",
  /** Replaced by `'nonce-…'` when the request used its nonce, dropped otherwise. */
  NONCE: '<CSP_NONCE_SENTINEL>',
} as const;

/**
 * A policy as in Django's SECURE_CSP: directive → sources. `true` writes a
 * directive without value (`upgrade-insecure-requests`); `false`/`null` omit it.
 */
export type CspConfig = Readonly<Record<string, readonly string[] | string | boolean | null>>;

const DIRECTIVE = /^[a-z][a-z0-9-]*$/i;
// a separator or line break inside a value would let it inject other directives or headers
const BAD_VALUE = /[;,\r\n\0]/;

/** A policy compiled once: the header text with and without the nonce. */
export interface CompiledPolicy {
  /** No directive at all: send no header. */
  readonly empty: boolean;
  readonly usesNonce: boolean;
  readonly hasFrameAncestors: boolean;
  /** The header value; the nonce source appears only when `nonce` is given. */
  render(nonce: string | undefined): string;
}

/**
 * Check and compile a policy. Throws ImproperlyConfigured naming the bad
 * directive or value (`setting` names where it came from).
 */
export function compilePolicy(config: CspConfig, setting = 'SECURE_CSP'): CompiledPolicy {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new ImproperlyConfigured(`${setting} must be an object of directives, like { 'default-src': [CSP.SELF] }; got ${describe(config)}.`);
  }
  // Each directive as [text before the nonce, text after it]; no nonce → one part.
  const withNonce: string[] = [];
  const withoutNonce: string[] = [];
  let usesNonce = false;
  for (const [directive, raw] of Object.entries(config)) {
    if (!DIRECTIVE.test(directive)) throw new ImproperlyConfigured(`${setting}: ${JSON.stringify(directive)} is not a CSP directive name.`);
    if (raw === false || raw === null || raw === undefined) continue;
    if (raw === true) {
      withNonce.push(directive);
      withoutNonce.push(directive);
      continue;
    }
    const values = typeof raw === 'string' ? [raw] : raw;
    if (!Array.isArray(values) || values.some((v) => typeof v !== 'string' || BAD_VALUE.test(v))) {
      throw new ImproperlyConfigured(`${setting}['${directive}'] must be a list of sources without ";", "," or line breaks; got ${describe(raw)}.`);
    }
    const plain = values.filter((v) => v !== CSP.NONCE);
    if (plain.length !== values.length) usesNonce = true;
    if (plain.length > 0) withoutNonce.push(`${directive} ${plain.join(' ')}`);
    if (values.length > 0) withNonce.push(`${directive} ${values.join(' ')}`);
  }
  const enforced = withoutNonce.join('; ');
  const parts = withNonce.join('; ').split(CSP.NONCE);
  return {
    empty: withNonce.length === 0,
    usesNonce,
    hasFrameAncestors: Object.keys(config).some((d) => d.toLowerCase() === 'frame-ancestors' && config[d] !== false && config[d] !== null),
    render: usesNonce ? (nonce) => (nonce === undefined ? enforced : parts.join(`'nonce-${nonce}'`)) : () => enforced,
  };
}

/** Django's `build_policy(config, nonce)`: the header value for a policy. */
export function buildPolicy(config: CspConfig, nonce?: string): string {
  return compilePolicy(config).render(nonce);
}
