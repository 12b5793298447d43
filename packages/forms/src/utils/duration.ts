/**
 * Django's parse_duration() and duration_string(). A duration is held as a
 * number of milliseconds (fractional below a millisecond), so it adds to a
 * Date directly.
 */

const STANDARD = /^(?:(-?\d+) (?:days?, )?)?(-?)(?:(\d+):(?=\d+:\d+))?(?:(\d+):)?(\d+)(?:[.,](\d{1,6})\d{0,6})?$/;
const ISO8601 = /^([-+]?)P(?:(\d+(?:[.,]\d+)?)D)?(?:T(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/;
const POSTGRES = /^(?:(-?\d+) (?:days? ?))?(?:([-+])?(\d+):(\d\d):(\d\d)(?:\.(\d{1,6}))?)?$/;

const MS_PER_DAY = 86_400_000;
/** Python's timedelta range, which Django's DurationField enforces. */
export const MAX_DURATION_DAYS = 999_999_999;

const num = (text: string | undefined): number => (text ? Number(text.replace(',', '.')) : 0);
const micro = (text: string | undefined): number => (text ? Number(text.padEnd(6, '0')) : 0);

/** Milliseconds, or null when `value` is in none of Django's three syntaxes. */
export function parseDuration(value: string): number | null {
  let m = STANDARD.exec(value);
  if (m) {
    const sign = m[2] === '-' ? -1 : 1;
    const time = num(m[3]) * 3_600_000 + num(m[4]) * 60_000 + num(m[5]) * 1000 + micro(m[6]) / 1000;
    return num(m[1]) * MS_PER_DAY + sign * time;
  }
  m = ISO8601.exec(value);
  if (m) {
    const sign = m[1] === '-' ? -1 : 1;
    return sign * (num(m[2]) * MS_PER_DAY + num(m[3]) * 3_600_000 + num(m[4]) * 60_000 + num(m[5]) * 1000);
  }
  m = POSTGRES.exec(value);
  if (m && value !== '') {
    const sign = m[2] === '-' ? -1 : 1;
    const time = num(m[3]) * 3_600_000 + num(m[4]) * 60_000 + num(m[5]) * 1000 + micro(m[6]) / 1000;
    return num(m[1]) * MS_PER_DAY + sign * time;
  }
  return null;
}

/** Django's duration_string(): `[D ]HH:MM:SS[.ffffff]`, days negative for a negative duration, as Python's timedelta shows it. */
export function durationString(milliseconds: number): string {
  const totalMicro = Math.round(milliseconds * 1000);
  const microPerDay = MS_PER_DAY * 1000;
  const days = Math.floor(totalMicro / microPerDay);
  let rest = totalMicro - days * microPerDay;
  const microseconds = rest % 1_000_000;
  rest = (rest - microseconds) / 1_000_000;
  const seconds = rest % 60;
  const minutes = Math.floor(rest / 60) % 60;
  const hours = Math.floor(rest / 3600);
  let out = `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}:${String(seconds).padStart(2, '0')}`;
  if (days) out = `${days} ${out}`;
  if (microseconds) out += `.${String(microseconds).padStart(6, '0')}`;
  return out;
}
