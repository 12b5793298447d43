import { checkTimeZone, formatDate, formatTime, naturalday, naturaltime, timesinceFilter, timeuntilFilter } from './dates';
import {
  escape, escapejs, forceEscape, join, jsonScript, linebreaks, linebreaksbr, safe, safeseq, striptags, unorderedList, urlize, urlizetrunc,
} from './html';
import { dictsort, dictsortreversed, slice } from './lists';
import {
  add, defaultFilter, defaultIfNone, divisibleby, filesizeformat, first, floatformat, intcomma, last, length, ordinal, pluralize, random, yesno,
} from './numbers';
import { truncatechars, truncatecharsHtml, truncatewords, truncatewordsHtml } from './truncate';
import {
  addslashes, capfirst, center, cut, linenumbers, ljust, lower, makeList, phone2numeric, rjust, slugify, stringformat, title, upper, urlencode,
  wordcount, wordwrap,
} from './text';

/** A filter: the value first, then its arguments (`f.truncatewords(it.body, 30)`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type FilterFunction = (value: any, ...args: any[]) => unknown;

export interface FilterOptions {
  /** IANA time zone the date filters show times in (Django's TIME_ZONE). */
  timeZone: string;
}

/**
 * Django's built-in filters and humanize's, camelCased where Django's names
 * have underscores (`truncatewords_html` → `truncatewordsHtml`). Filters that
 * produce HTML escape their input and return a SafeString; filters Django
 * marks is_safe keep a SafeString input safe.
 */
export function createFilters(options: FilterOptions): Record<string, FilterFunction> {
  const { timeZone } = options;
  checkTimeZone(timeZone);
  return {
    add, addslashes, capfirst, center, cut,
    date: (value: unknown, format?: unknown) => formatDate(value, format, timeZone),
    default: defaultFilter, defaultIfNone, dictsort, dictsortreversed, divisibleby, escape, escapejs, filesizeformat, first, floatformat,
    forceEscape, join, jsonScript, last, length, linebreaks, linebreaksbr, linenumbers, ljust, lower, makeList, phone2numeric, pluralize,
    random, rjust, safe, safeseq, slice, slugify, stringformat, striptags,
    time: (value: unknown, format?: unknown) => formatTime(value, format, timeZone),
    timesince: timesinceFilter, timeuntil: timeuntilFilter, title, truncatechars, truncatecharsHtml, truncatewords, truncatewordsHtml,
    unorderedList, upper, urlencode, urlize, urlizetrunc, wordcount, wordwrap, yesno,
    // django.contrib.humanize
    intcomma,
    naturalday: (value: unknown, format?: unknown) => naturalday(value, format, timeZone),
    naturaltime, ordinal,
  };
}

/** The built-in filters with dates shown in UTC, for use outside templates. */
export const filters: Readonly<Record<string, FilterFunction>> = createFilters({ timeZone: 'UTC' });
