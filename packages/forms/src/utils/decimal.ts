const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
/** Already normalised: no sign but '-', no exponent, no leading zeros, digits after any point. */
const CANONICAL = /^-?(?:0|[1-9]\d*)(?:\.\d+)?$/;

/**
 * A decimal number as a plain string with its exponent expanded and
 * trailing zeros kept (they count as decimal places, as in Python's
 * Decimal): `'1e3'` → `'1000'`, `'.50'` → `'0.50'`. Null when it is not a
 * finite decimal.
 */
export function normalizeDecimal(text: string): string | null {
  if (CANONICAL.test(text)) return text;
  const m = DECIMAL.exec(text);
  if (!m) return null;
  const [, sign, whole = '', fraction = '', exp] = m;
  if (whole === '' && fraction === '') return null;
  const exponent = exp === undefined ? 0 : Number(exp);
  // Python's Decimal accepts huge exponents; expanding them would allocate without bound
  if (!Number.isFinite(exponent) || Math.abs(exponent) > 1000) return null;
  let digits = whole + fraction;
  let point = whole.length + exponent;
  if (point < 0) {
    digits = '0'.repeat(-point) + digits;
    point = 0;
  } else if (point > digits.length) {
    digits += '0'.repeat(point - digits.length);
  }
  const intPart = digits.slice(0, point).replace(/^0+(?=\d)/, '') || '0';
  const fracPart = digits.slice(point);
  return `${sign === '-' ? '-' : ''}${intPart}${fracPart ? `.${fracPart}` : ''}`;
}

/** Django's DecimalField step: `Decimal(1).scaleb(-decimal_places)` → `'0.01'`. */
export function decimalStep(decimalPlaces: number): string {
  return decimalPlaces > 0 ? `0.${'0'.repeat(decimalPlaces - 1)}1` : '1';
}
