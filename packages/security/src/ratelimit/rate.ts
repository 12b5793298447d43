import { ImproperlyConfigured } from '@manouche/core';

/** How many hits per how long. */
export interface Rate {
  readonly limit: number;
  readonly periodMs: number;
}

const UNITS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parse a rate as django-ratelimit writes it: `5/m`, `100/h`, `10/15m`
 * (ten per fifteen minutes), `1000/d`; or pass `{ limit, periodMs }`.
 */
export function parseRate(rate: string | Rate): Rate {
  if (typeof rate === 'object' && rate !== null) {
    if (Number.isInteger(rate.limit) && rate.limit > 0 && Number.isFinite(rate.periodMs) && rate.periodMs > 0) return { limit: rate.limit, periodMs: rate.periodMs };
  } else if (typeof rate === 'string') {
    const match = /^\s*(\d+)\s*\/\s*(\d*)\s*([smhd])\s*$/.exec(rate);
    if (match) {
      const limit = Number(match[1]);
      const periodMs = Number(match[2] || 1) * UNITS[match[3]!]!;
      if (limit > 0 && periodMs > 0) return { limit, periodMs };
    }
  }
  throw new ImproperlyConfigured(
    `Invalid rate ${JSON.stringify(rate)}: write "<count>/<period>" with a count above 0 and a period of s, m, h or d, optionally multiplied ("5/m", "10/15m"), or { limit, periodMs }.`,
  );
}
