import { SafeString } from '@manouche/core';
import { codePoints, keepSafe, pyInt, PythonError, str } from './python';

// django.utils.text.Truncator (Django 4.2/5.0), followed step by step.

const COMBINING = /^\p{M}$/u;
const MAX_LENGTH_HTML = 5_000_000;
const HTML4_SINGLETS = new Set(['br', 'col', 'link', 'base', 'img', 'param', 'area', 'hr', 'input']);
const DEFAULT_TRUNCATE = '%(truncated_text)s…';

function addTruncationText(text: string, truncate: string = DEFAULT_TRUNCATE): string {
  if (truncate.includes('%(truncated_text)s')) return truncate.split('%(truncated_text)s').join(text);
  // Don't append the truncation text when the text already ends with it.
  if (text.endsWith(truncate)) return text;
  return text + truncate;
}

function chars(text: string, length: number, html: boolean): string {
  const normalized = text.normalize('NFC');
  let truncateLength = length;
  for (const char of addTruncationText('')) {
    if (!COMBINING.test(char)) {
      truncateLength -= 1;
      if (truncateLength === 0) break;
    }
  }
  if (html) return truncateHtml(normalized, length, undefined, truncateLength, false);
  const points = codePoints(normalized);
  let seen = 0;
  let endIndex: number | undefined;
  for (let i = 0; i < points.length; i++) {
    if (COMBINING.test(points[i]!)) continue;
    seen += 1;
    if (endIndex === undefined && seen > truncateLength) endIndex = i;
    if (seen > length) return addTruncationText(points.slice(0, endIndex ?? 0).join(''));
  }
  return normalized;
}

function words(text: string, length: number, html: boolean, truncate: string): string {
  if (html) return truncateHtml(text, length, truncate, length, true);
  const all = text.split(/[\s\x1c-\x1f]+/).filter((word) => word !== '');
  if (all.length > length) return addTruncationText(all.slice(0, length).join(' '), truncate);
  return all.join(' ');
}

interface Match {
  text: string;
  end: number;
  /** The counted word or character, when the match is not a tag. */
  unit: string | undefined;
}

const CHARS = /<[^>]+?>|(.)/gsu;
const PARTIAL = /<|([^<>\s]+)/g;
const NOTAG = /([^<>\s]+)/g;
const TAG = /^<(\/)?(\S+?)(?:(\s*\/)|\s[\s\S]*?)?>/u;

function searchChars(text: string, pos: number): Match | undefined {
  CHARS.lastIndex = pos;
  const m = CHARS.exec(text);
  return m ? { text: m[0], end: m.index + m[0].length, unit: m[1] } : undefined;
}

/** Django's WordsRegex: "<" with a ">" somewhere after it is a tag, else look for a word (guards against "<<<<" backtracking). */
function searchWords(text: string, pos: number): Match | undefined {
  PARTIAL.lastIndex = pos;
  const partial = PARTIAL.exec(text);
  if (!partial || partial[1] !== undefined) return partial ? { text: partial[0], end: partial.index + partial[0].length, unit: partial[1] } : undefined;
  const close = text.indexOf('>', partial.index + 1);
  if (close < 0) {
    NOTAG.lastIndex = pos + 1;
    const word = NOTAG.exec(text);
    return word ? { text: word[0], end: word.index + word[0].length, unit: word[1] } : undefined;
  }
  return { text: text.slice(partial.index, close + 1), end: close + 1, unit: undefined };
}

function truncateHtml(input: string, length: number, truncate: string | undefined, truncateLength: number, byWords: boolean): string {
  if (byWords && length <= 0) return '';
  let text = input;
  let sizeLimited = false;
  if (text.length > MAX_LENGTH_HTML) {
    text = text.slice(0, MAX_LENGTH_HTML);
    sizeLimited = true;
  }
  let pos = 0;
  let endTextPos = 0;
  let current = 0;
  let openTags: string[] = [];
  const search = byWords ? searchWords : searchChars;
  while (current <= length) {
    const m = search(text, pos);
    if (!m) break;
    pos = m.end;
    if (m.unit) {
      current += 1;
      if (current === truncateLength) endTextPos = pos;
      continue;
    }
    const tag = TAG.exec(m.text);
    if (!tag || current >= truncateLength) continue;
    const [, closing, name, selfClosing] = tag;
    const tagName = name!.toLowerCase();
    if (selfClosing || HTML4_SINGLETS.has(tagName)) continue;
    if (closing) {
      const i = openTags.indexOf(tagName);
      // SGML: an end tag closes, back to the matching start tag, all unclosed intervening start tags.
      if (i >= 0) openTags = openTags.slice(i + 1);
    } else {
      openTags.unshift(tagName);
    }
  }
  const truncateText = addTruncationText('', truncate);
  if (current <= length) return sizeLimited && truncateText ? text + truncateText : text;
  let out = text.slice(0, endTextPos);
  if (truncateText) out += truncateText;
  for (const tag of openTags) out += `</${tag}>`;
  return out;
}

function lengthArg(arg: unknown): number | undefined {
  try {
    return pyInt(arg);
  } catch (error) {
    if (error instanceof PythonError) return undefined;
    throw error;
  }
}

/** Django's `truncatechars`: at most `length` characters, the last one an ellipsis. */
export function truncatechars(value: unknown, length: unknown): string | SafeString {
  const n = lengthArg(length);
  if (n === undefined) return value instanceof SafeString ? value : str(value);
  return keepSafe(value, chars(str(value), n, false));
}

/** Django's `truncatechars_html`: like truncatechars, not counting tags, closing the tags left open. */
export function truncatecharsHtml(value: unknown, length: unknown): string | SafeString {
  const n = lengthArg(length);
  if (n === undefined) return value instanceof SafeString ? value : str(value);
  return keepSafe(value, chars(str(value), n, true));
}

/** Django's `truncatewords`: the first `length` words, then " …"; whitespace becomes single spaces. */
export function truncatewords(value: unknown, length: unknown): string | SafeString {
  const n = lengthArg(length);
  if (n === undefined) return value instanceof SafeString ? value : str(value);
  return keepSafe(value, words(str(value), n, false, ' …'));
}

/** Django's `truncatewords_html`: like truncatewords, not counting tags, closing the tags left open. */
export function truncatewordsHtml(value: unknown, length: unknown): string | SafeString {
  const n = lengthArg(length);
  if (n === undefined) return value instanceof SafeString ? value : str(value);
  return keepSafe(value, words(str(value), n, true, ' …'));
}
