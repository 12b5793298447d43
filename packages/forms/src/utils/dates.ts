/**
 * Python's strptime()/strftime() for the codes Django's input formats use,
 * and the time-zone arithmetic DateTimeField needs (a wall-clock time in an
 * IANA zone ↔ an instant), on Intl alone.
 */

export interface DateParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  microsecond: number;
}

export const DATE_INPUT_FORMATS = ['%Y-%m-%d', '%m/%d/%Y', '%m/%d/%y', '%b %d %Y', '%b %d, %Y', '%d %b %Y', '%d %b, %Y', '%B %d %Y', '%B %d, %Y', '%d %B %Y', '%d %B, %Y'] as const;
export const TIME_INPUT_FORMATS = ['%H:%M:%S', '%H:%M:%S.%f', '%H:%M'] as const;
export const DATETIME_INPUT_FORMATS = [
  '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M:%S.%f', '%Y-%m-%d %H:%M',
  '%m/%d/%Y %H:%M:%S', '%m/%d/%Y %H:%M:%S.%f', '%m/%d/%Y %H:%M',
  '%m/%d/%y %H:%M:%S', '%m/%d/%y %H:%M:%S.%f', '%m/%d/%y %H:%M',
] as const;

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const MONTH_NAMES = MONTHS.map((m) => m.charAt(0).toUpperCase() + m.slice(1));

// Python's _strptime regexes for each directive (time/_strptime.py).
const DIRECTIVES: Record<string, [group: keyof DateParts | 'shortYear' | 'monthName' | 'monthAbbr', pattern: string]> = {
  Y: ['year', '\\d\\d\\d\\d'],
  y: ['shortYear', '\\d\\d'],
  m: ['month', '1[0-2]|0[1-9]|[1-9]'],
  d: ['day', '3[01]|[12]\\d|0[1-9]|[1-9]| [1-9]'],
  H: ['hour', '2[0-3]|[0-1]\\d|\\d'],
  M: ['minute', '[0-5]\\d|\\d'],
  S: ['second', '6[0-1]|[0-5]\\d|\\d'],
  f: ['microsecond', '[0-9]{1,6}'],
  b: ['monthAbbr', MONTHS.map((m) => m.slice(0, 3)).join('|')],
  B: ['monthName', MONTHS.join('|')],
};

interface CompiledFormat {
  regex: RegExp;
  groups: string[];
}

const compiled = new Map<string, CompiledFormat>();

function compile(format: string): CompiledFormat {
  let found = compiled.get(format);
  if (found) return found;
  const groups: string[] = [];
  let source = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c === '%') {
      const code = format[++i];
      if (code === '%') {
        source += '%';
        continue;
      }
      const directive = code === undefined ? undefined : DIRECTIVES[code];
      if (!directive) throw new RangeError(`Unsupported directive %${code ?? ''} in the date format ${JSON.stringify(format)}; supported: ${Object.keys(DIRECTIVES).map((d) => `%${d}`).join(' ')}.`);
      groups.push(directive[0]);
      source += `(${directive[1]})`;
    } else if (/\s/.test(c)) {
      source += '\\s+';
      while (/\s/.test(format[i + 1] ?? '')) i++;
    } else {
      source += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
  }
  found = { regex: new RegExp(`^${source}$`, 'i'), groups };
  compiled.set(format, found);
  return found;
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(year: number, month: number): number {
  if (month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) return 29;
  return DAYS[month - 1] ?? 0;
}

/** Python's strptime(): the parts of `value` read with `format`, or null when it does not match or names an impossible date. */
export function strptime(value: string, format: string): DateParts | null {
  const { regex, groups } = compile(format);
  const match = regex.exec(value);
  if (!match) return null;
  const parts: DateParts = { year: 1900, month: 1, day: 1, hour: 0, minute: 0, second: 0, microsecond: 0 };
  for (let i = 0; i < groups.length; i++) {
    const raw = match[i + 1]!;
    // only %d may carry a leading space (" 5"), as in Python
    const text = raw.charCodeAt(0) === 32 ? raw.trim() : raw;
    const group = groups[i]!;
    if (group === 'shortYear') {
      const short = Number(text);
      parts.year = short <= 68 ? 2000 + short : 1900 + short;
    } else if (group === 'monthAbbr' || group === 'monthName') {
      const lower = text.toLowerCase();
      parts.month = MONTHS.findIndex((m) => (group === 'monthAbbr' ? m.slice(0, 3) : m) === lower) + 1;
    } else if (group === 'microsecond') {
      parts.microsecond = Number(text.padEnd(6, '0'));
    } else {
      parts[group as keyof DateParts] = Number(text);
    }
  }
  if (parts.year < 1 || parts.day > daysInMonth(parts.year, parts.month) || parts.second > 59) return null;
  return parts;
}

/** Try each format in turn (Django's BaseTemporalField.to_python). */
export function parseWithFormats(value: string, formats: readonly string[]): DateParts | null {
  for (const format of formats) {
    const parts = strptime(value, format);
    if (parts) return parts;
  }
  return null;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Python's strftime() for the same directives. */
export function strftime(parts: DateParts, format: string): string {
  return format.replace(/%([YymdHMSfbB%])/g, (_m, code: string) => {
    switch (code) {
      case 'Y': return pad(parts.year, 4);
      case 'y': return pad(parts.year % 100);
      case 'm': return pad(parts.month);
      case 'd': return pad(parts.day);
      case 'H': return pad(parts.hour);
      case 'M': return pad(parts.minute);
      case 'S': return pad(parts.second);
      case 'f': return pad(parts.microsecond, 6);
      case 'b': return MONTH_NAMES[parts.month - 1]!.slice(0, 3);
      case 'B': return MONTH_NAMES[parts.month - 1]!;
      default: return '%';
    }
  });
}

/** `YYYY-MM-DD`: how DateField's cleaned value (and the ORM's DateField) holds a date. */
export function isoDate(parts: Pick<DateParts, 'year' | 'month' | 'day'>): string {
  return `${pad(parts.year, 4)}-${pad(parts.month)}-${pad(parts.day)}`;
}

/** `HH:MM:SS[.ffffff]`: how TimeField's cleaned value holds a time (Python's time.isoformat()). */
export function isoTime(parts: Pick<DateParts, 'hour' | 'minute' | 'second' | 'microsecond'>): string {
  const base = `${pad(parts.hour)}:${pad(parts.minute)}:${pad(parts.second)}`;
  return parts.microsecond ? `${base}.${pad(parts.microsecond, 6)}` : base;
}

const ISO_TIME = /^(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:[.,](\d{1,6})\d*)?)?$/;

/** Parts of a `HH:MM[:SS[.ffffff]]` string, or null. */
export function parseIsoTime(value: string): DateParts | null {
  const m = ISO_TIME.exec(value);
  if (!m) return null;
  const parts: DateParts = { year: 1900, month: 1, day: 1, hour: Number(m[1]), minute: Number(m[2]), second: Number(m[3] ?? 0), microsecond: Number((m[4] ?? '').padEnd(6, '0')) };
  return validParts(parts) ? parts : null;
}

// Django's parse_datetime(): ISO 8601 with an optional offset.
const ISO_DATETIME = /^(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:[.,](\d{1,6})\d*)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** An ISO 8601 date-time: its parts and, when it carries one, its UTC offset in minutes. */
export function parseIsoDateTime(value: string): { parts: DateParts; offsetMinutes: number | null } | null {
  const m = ISO_DATETIME.exec(value);
  if (!m) return null;
  const parts: DateParts = {
    year: Number(m[1]), month: Number(m[2]), day: Number(m[3]),
    hour: Number(m[4]), minute: Number(m[5]), second: Number(m[6] ?? 0), microsecond: Number((m[7] ?? '').padEnd(6, '0')),
  };
  if (!validParts(parts)) return null;
  const tz = m[8];
  if (tz === undefined) return { parts, offsetMinutes: null };
  if (tz.toUpperCase() === 'Z') return { parts, offsetMinutes: 0 };
  const digits = tz.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0);
  return { parts, offsetMinutes: tz.startsWith('-') ? -minutes : minutes };
}

function validParts(p: DateParts): boolean {
  return p.year >= 1 && p.month >= 1 && p.month <= 12 && p.day >= 1 && p.day <= daysInMonth(p.year, p.month)
    && p.hour <= 23 && p.minute <= 59 && p.second <= 59;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let found = formatters.get(timeZone);
  if (!found) {
    found = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, found);
  }
  return found;
}

/** The wall-clock parts of `date` in `timeZone`. */
export function partsInZone(date: Date, timeZone: string): DateParts {
  const ms = date.getTime();
  const microsecond = (((ms % 1000) + 1000) % 1000) * 1000;
  if (timeZone === 'UTC') {
    return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), hour: date.getUTCHours(), minute: date.getUTCMinutes(), second: date.getUTCSeconds(), microsecond };
  }
  const out: DateParts = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, microsecond };
  for (const part of formatter(timeZone).formatToParts(date)) {
    if (part.type === 'year' || part.type === 'month' || part.type === 'day' || part.type === 'hour' || part.type === 'minute' || part.type === 'second') out[part.type] = Number(part.value);
  }
  return out;
}

function utcOf(p: DateParts): number {
  const date = new Date(Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second, Math.floor(p.microsecond / 1000)));
  // Date.UTC maps years 0-99 to 1900-1999
  if (p.year < 100) date.setUTCFullYear(p.year);
  return date.getTime();
}

/**
 * The instant at which the wall clock in `timeZone` shows `parts`. In a DST
 * gap or overlap it picks the earlier offset, as zoneinfo's fold=0 does.
 */
export function zonedTimeToDate(parts: DateParts, timeZone: string): Date {
  const wall = utcOf(parts);
  if (timeZone === 'UTC') return new Date(wall);
  const offsetAt = (instant: number): number => utcOf(partsInZone(new Date(instant), timeZone)) - instant;
  let instant = wall - offsetAt(wall);
  const second = wall - offsetAt(instant);
  if (second !== instant) instant = Math.min(instant, second);
  return new Date(instant);
}
