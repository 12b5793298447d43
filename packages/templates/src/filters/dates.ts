// Django's dateformat (PHP-style format characters) for the English locale,
// plus timesince/timeuntil and humanize's naturalday/naturaltime.

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const MONTHS_AP = ['Jan.', 'Feb.', 'March', 'April', 'May', 'June', 'July', 'Aug.', 'Sept.', 'Oct.', 'Nov.', 'Dec.'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** The English locale's named formats (django/conf/locale/en/formats.py). */
const NAMED_FORMATS: Record<string, string> = {
  DATE_FORMAT: 'N j, Y',
  TIME_FORMAT: 'P',
  DATETIME_FORMAT: 'N j, Y, P',
  YEAR_MONTH_FORMAT: 'F Y',
  MONTH_DAY_FORMAT: 'F j',
  SHORT_DATE_FORMAT: 'm/d/Y',
  SHORT_DATETIME_FORMAT: 'm/d/Y P',
};

const FORMAT_CHARS = /(?<!\\)([aAbBcdDeEfFgGhHiIjlLmMnNoOPrsStTUuwWyYzZ])/;
const TIME_CHARS = new Set('aABefgGhHiOPsTuZ'.split(''));

/** A moment as the wall clock of one time zone shows it. */
interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  weekday: number;
  /** Seconds east of UTC. */
  offset: number;
  zoneName: string;
  timeZone: string;
  time: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      timeZoneName: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Check a time zone name once, when the engine is created. */
export function checkTimeZone(timeZone: string): void {
  try {
    formatter(timeZone);
  } catch {
    throw new RangeError(`Unknown time zone ${JSON.stringify(timeZone)}: use an IANA name such as "UTC" or "Europe/Paris".`);
  }
}

export function wallClock(date: Date, timeZone: string): WallClock {
  const parts: Record<string, string> = {};
  for (const part of formatter(timeZone).formatToParts(date)) parts[part.type] = part.value;
  const year = Number(parts.year);
  const month = Number(parts.month);
  const day = Number(parts.day);
  const hour = Number(parts.hour);
  const minute = Number(parts.minute);
  const second = Number(parts.second);
  const time = date.getTime();
  const millisecond = ((time % 1000) + 1000) % 1000;
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  return {
    year, month, day, hour, minute, second, millisecond,
    weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay(),
    offset: Math.round((asUtc - (time - millisecond)) / 1000),
    zoneName: parts.timeZoneName ?? timeZone,
    timeZone,
    time,
  };
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function dayOfYear(w: WallClock): number {
  return Math.round((Date.UTC(w.year, w.month - 1, w.day) - Date.UTC(w.year, 0, 1)) / 86_400_000) + 1;
}

/** ISO 8601 week-numbering year and week. */
function isoWeek(w: WallClock): [number, number] {
  const date = new Date(Date.UTC(w.year, w.month - 1, w.day));
  const weekday = (date.getUTCDay() + 6) % 7;
  date.setUTCDate(date.getUTCDate() - weekday + 3);
  const isoYear = date.getUTCFullYear();
  const firstThursday = new Date(Date.UTC(isoYear, 0, 4));
  firstThursday.setUTCDate(firstThursday.getUTCDate() - ((firstThursday.getUTCDay() + 6) % 7) + 3);
  return [isoYear, 1 + Math.round((date.getTime() - firstThursday.getTime()) / (7 * 86_400_000))];
}

function isDst(w: WallClock): boolean {
  const january = wallClock(new Date(Date.UTC(w.year, 0, 1)), w.timeZone).offset;
  const july = wallClock(new Date(Date.UTC(w.year, 6, 1)), w.timeZone).offset;
  return january !== july && w.offset > Math.min(january, july);
}

const pad = (n: number, width = 2): string => String(Math.abs(n)).padStart(width, '0');
const twelveHour = (w: WallClock): number => (w.hour === 0 ? 12 : w.hour > 12 ? w.hour - 12 : w.hour);

function offsetText(seconds: number, colon: boolean): string {
  const sign = seconds < 0 ? '-' : '+';
  const abs = Math.abs(seconds);
  return `${sign}${pad(Math.floor(abs / 3600))}${colon ? ':' : ''}${pad(Math.floor(abs / 60) % 60)}`;
}

const SPECIFIERS: Record<string, (w: WallClock) => string> = {
  a: (w) => (w.hour > 11 ? 'p.m.' : 'a.m.'),
  A: (w) => (w.hour > 11 ? 'PM' : 'AM'),
  b: (w) => MONTHS[w.month - 1]!.slice(0, 3).toLowerCase(),
  B: () => {
    throw new Error('The "B" date format character (Swatch Internet time) is not implemented, as in Django.');
  },
  c: (w) => `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}${w.millisecond ? `.${pad(w.millisecond * 1000, 6)}` : ''}${offsetText(w.offset, true)}`,
  d: (w) => pad(w.day),
  D: (w) => WEEKDAYS[w.weekday]!.slice(0, 3),
  e: (w) => w.zoneName,
  E: (w) => MONTHS[w.month - 1]!,
  f: (w) => (w.minute === 0 ? String(twelveHour(w)) : `${twelveHour(w)}:${pad(w.minute)}`),
  F: (w) => MONTHS[w.month - 1]!,
  g: (w) => String(twelveHour(w)),
  G: (w) => String(w.hour),
  h: (w) => pad(twelveHour(w)),
  H: (w) => pad(w.hour),
  i: (w) => pad(w.minute),
  I: (w) => (isDst(w) ? '1' : '0'),
  j: (w) => String(w.day),
  l: (w) => WEEKDAYS[w.weekday]!,
  L: (w) => (isLeap(w.year) ? 'True' : 'False'),
  m: (w) => pad(w.month),
  M: (w) => MONTHS[w.month - 1]!.slice(0, 3),
  n: (w) => String(w.month),
  N: (w) => MONTHS_AP[w.month - 1]!,
  o: (w) => String(isoWeek(w)[0]),
  O: (w) => offsetText(w.offset, false),
  P: (w) => {
    if (w.minute === 0 && w.hour === 0) return 'midnight';
    if (w.minute === 0 && w.hour === 12) return 'noon';
    return `${SPECIFIERS.f!(w)} ${SPECIFIERS.a!(w)}`;
  },
  r: (w) => formatWallClock(w, 'D, j M Y H:i:s O')!,
  s: (w) => pad(w.second),
  S: (w) => {
    if (w.day === 11 || w.day === 12 || w.day === 13) return 'th';
    return ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[w.day % 10] ?? 'th';
  },
  t: (w) => pad(daysInMonth(w.year, w.month)),
  T: (w) => w.zoneName,
  u: (w) => pad(w.millisecond * 1000, 6),
  U: (w) => String(Math.trunc(w.time / 1000)),
  w: (w) => String(w.weekday),
  W: (w) => String(isoWeek(w)[1]),
  y: (w) => pad(w.year % 100),
  Y: (w) => pad(w.year, 4),
  z: (w) => String(dayOfYear(w)),
  Z: (w) => String(w.offset),
};

function formatWallClock(w: WallClock, format: string, allowed?: ReadonlySet<string>): string | undefined {
  const pieces = format.split(FORMAT_CHARS);
  let out = '';
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]!;
    if (i % 2) {
      if (allowed && !allowed.has(piece)) return undefined;
      out += SPECIFIERS[piece]!(w);
    } else {
      out += piece.replace(/\\(.)/g, '$1');
    }
  }
  return out;
}

function validDate(value: unknown): value is Date {
  return value instanceof Date && !Number.isNaN(value.getTime());
}

/** Django's `date` filter: `format` is format characters or a named format (DATE_FORMAT by default). */
export function formatDate(value: unknown, format: unknown, timeZone: string): string {
  if (!validDate(value)) return '';
  const spec = typeof format === 'string' && format !== '' ? (NAMED_FORMATS[format] ?? format) : NAMED_FORMATS.DATE_FORMAT!;
  return formatWallClock(wallClock(value, timeZone), spec) ?? '';
}

/** Django's `time` filter: only time format characters are allowed (others give ""). */
export function formatTime(value: unknown, format: unknown, timeZone: string): string {
  if (!validDate(value)) return '';
  const spec = typeof format === 'string' && format !== '' ? (NAMED_FORMATS[format] ?? format) : NAMED_FORMATS.TIME_FORMAT!;
  return formatWallClock(wallClock(value, timeZone), spec, TIME_CHARS) ?? '';
}

// --- timesince (django.utils.timesince), computed on UTC wall clocks like Django's aware datetimes. ---

type Unit = 'year' | 'month' | 'week' | 'day' | 'hour' | 'minute';
const UNITS: Unit[] = ['year', 'month', 'week', 'day', 'hour', 'minute'];
const CHUNKS = [7 * 86400, 86400, 3600, 60];
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function plural(n: number, unit: Unit): string {
  return `${n}\u00a0${unit}${n === 1 ? '' : 's'}`;
}

/** Django's timesince(d, now): "3\u00a0days, 2\u00a0hours"; "0\u00a0minutes" when `d` is not before `now`. */
export function timesince(d: Date, now: Date = new Date(), reversed = false, depth = 2): string {
  let [from, to] = reversed ? [now, d] : [d, now];
  const since = Math.floor((to.getTime() - from.getTime()) / 1000);
  if (since <= 0) return plural(0, 'minute');
  // Microseconds are ignored, as in Django.
  from = new Date(from.getTime() - from.getUTCMilliseconds());
  to = new Date(to.getTime() - to.getUTCMilliseconds());
  let totalMonths = (to.getUTCFullYear() - from.getUTCFullYear()) * 12 + (to.getUTCMonth() - from.getUTCMonth());
  if (from.getUTCDate() > to.getUTCDate()) totalMonths -= 1;
  const years = Math.floor(totalMonths / 12);
  const months = totalMonths % 12;
  let pivot = from;
  if (years || months) {
    let pivotYear = from.getUTCFullYear() + years;
    let pivotMonth = from.getUTCMonth() + 1 + months;
    if (pivotMonth > 12) {
      pivotMonth -= 12;
      pivotYear += 1;
    }
    pivot = new Date(Date.UTC(pivotYear, pivotMonth - 1, Math.min(MONTH_DAYS[pivotMonth - 1]!, from.getUTCDate()), from.getUTCHours(), from.getUTCMinutes(), from.getUTCSeconds()));
  }
  let remaining = (to.getTime() - pivot.getTime()) / 1000;
  const partials = [years, months];
  for (const chunk of CHUNKS) {
    const count = Math.floor(remaining / chunk);
    partials.push(count);
    remaining -= chunk * count;
  }
  let i = partials.findIndex((value) => value !== 0);
  if (i < 0) return plural(0, 'minute');
  const result: string[] = [];
  while (i < UNITS.length && result.length < depth && partials[i] !== 0) {
    result.push(plural(partials[i]!, UNITS[i]!));
    i++;
  }
  return result.join(', ');
}

export function timesinceFilter(value: unknown, arg?: unknown): string {
  if (!validDate(value)) return '';
  if (arg !== undefined && arg !== null && arg !== '' && !validDate(arg)) return '';
  return timesince(value, validDate(arg) ? arg : undefined);
}

export function timeuntilFilter(value: unknown, arg?: unknown): string {
  if (!validDate(value)) return '';
  if (arg !== undefined && arg !== null && arg !== '' && !validDate(arg)) return '';
  return timesince(value, validDate(arg) ? arg : undefined, true);
}

/** Humanize's `naturalday`: "today", "tomorrow", "yesterday", else the `date` filter with `format`. */
export function naturalday(value: unknown, format: unknown, timeZone: string): unknown {
  if (!validDate(value)) return value;
  const day = wallClock(value, timeZone);
  const today = wallClock(new Date(), timeZone);
  const delta = Math.round((Date.UTC(day.year, day.month - 1, day.day) - Date.UTC(today.year, today.month - 1, today.day)) / 86_400_000);
  if (delta === 0) return 'today';
  if (delta === 1) return 'tomorrow';
  if (delta === -1) return 'yesterday';
  return formatDate(value, format, timeZone);
}

function counted(n: number, one: string, many: string): string {
  return n === 1 ? one : many.replace('%d', String(n));
}

/** Humanize's `naturaltime`: "now", "a minute ago", "3\u00a0hours from now", "2\u00a0days, 3\u00a0hours ago". */
export function naturaltime(value: unknown): unknown {
  if (!validDate(value)) return value;
  const now = new Date();
  const past = value.getTime() < now.getTime();
  const delta = Math.abs(now.getTime() - value.getTime());
  const seconds = Math.floor(delta / 1000) % 86400;
  if (Math.floor(delta / 86_400_000) !== 0) {
    return past ? `${timesince(value, now)} ago` : `${timesince(value, now, true)} from now`;
  }
  if (seconds === 0) return 'now';
  const suffix = past ? 'ago' : 'from now';
  if (seconds < 60) return counted(seconds, `a second ${suffix}`, `%d\u00a0seconds ${suffix}`);
  if (Math.floor(seconds / 60) < 60) return counted(Math.floor(seconds / 60), `a minute ${suffix}`, `%d\u00a0minutes ${suffix}`);
  return counted(Math.floor(seconds / 3600), `an hour ${suffix}`, `%d\u00a0hours ${suffix}`);
}
