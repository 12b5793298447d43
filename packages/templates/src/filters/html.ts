import { domainToASCII } from 'node:url';
import { conditionalEscape, escape as alwaysEscape, escapeHtml, escapeJs, jsonScript as coreJsonScript, markSafe, SafeString } from '@manouche/core';
import { isPlainObject, keepSafe, pyInt, str } from './python';

// django.utils.html (Django 4.2/5.0) and the HTML filters built on it.

/** Django's `escape` filter: conditional escaping (an already safe value is left alone). */
export function escape(value: unknown): SafeString {
  return conditionalEscape(value instanceof SafeString ? value : str(value));
}

/** Django's `force_escape`: escape even a SafeString. */
export function forceEscape(value: unknown): SafeString {
  return alwaysEscape(str(value));
}

/** Django's `safe`: mark the value as HTML to output as is. Only for trusted HTML. */
export function safe(value: unknown): SafeString {
  return value instanceof SafeString ? value : markSafe(str(value));
}

/** Django's `safeseq`: `safe` on each item. */
export function safeseq(value: unknown): SafeString[] {
  return iterate(value).map((item) => safe(item));
}

export function escapejs(value: unknown): SafeString {
  return escapeJs(str(value));
}

/** Django's `json_script`: the value as JSON in a `<script type="application/json">`, unable to close the element. */
export function jsonScript(value: unknown, elementId?: unknown): SafeString {
  return coreJsonScript(value, elementId === undefined || elementId === null || elementId === '' ? undefined : str(elementId));
}

function normalizeNewlines(text: string): string {
  return text.replace(/\r\n|\r/g, '\n');
}

/** Django's `linebreaks`: paragraphs for blank lines, `<br>` for single newlines; text escaped unless safe. */
export function linebreaks(value: unknown): SafeString {
  const autoescape = !(value instanceof SafeString);
  const paragraphs = normalizeNewlines(str(value)).split(/\n{2,}/);
  return new SafeString(paragraphs.map((p) => `<p>${(autoescape ? escapeHtml(p) : p).replace(/\n/g, '<br>')}</p>`).join('\n\n'));
}

/** Django's `linebreaksbr`: every newline becomes `<br>`; text escaped unless safe. */
export function linebreaksbr(value: unknown): SafeString {
  const text = normalizeNewlines(str(value));
  return new SafeString((value instanceof SafeString ? text : escapeHtml(text)).replace(/\n/g, '<br>'));
}

/** Django's `join`: items and separator conditionally escaped, joined, safe. */
export function join(value: unknown, separator: unknown): unknown {
  if (!isIterable(value)) return value;
  return new SafeString(iterate(value).map((item) => conditionalEscape(item).value).join(conditionalEscape(separator).value));
}

/** Django's `unordered_list`: nested lists (an item followed by a list of its children) as `<li>`s. */
export function unorderedList(value: unknown): SafeString {
  const walk = (items: unknown[]): Array<[unknown, unknown[] | undefined]> => {
    const out: Array<[unknown, unknown[] | undefined]> = [];
    for (let i = 0; i < items.length; i++) {
      const next = items[i + 1];
      if (Array.isArray(next)) {
        out.push([items[i], next]);
        i++;
      } else {
        out.push([items[i], undefined]);
      }
    }
    return out;
  };
  const format = (items: unknown[], tabs: number): string => {
    const indent = '\t'.repeat(tabs);
    return walk(items)
      .map(([item, children]) => {
        const sublist = children?.length ? `\n${indent}<ul>\n${format(children, tabs + 1)}\n${indent}</ul>\n${indent}` : '';
        return `${indent}<li>${conditionalEscape(Array.isArray(item) ? item.join(', ') : item).value}${sublist}</li>`;
      })
      .join('\n');
  };
  return new SafeString(format(iterate(value), 1));
}

function isIterable(value: unknown): boolean {
  return typeof value === 'string' || value instanceof SafeString || Array.isArray(value) || value instanceof Set || value instanceof Map || isPlainObject(value);
}

/** The items Python would iterate: characters of a string, keys of a dict. */
export function iterate(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string' || value instanceof SafeString) return Array.from(str(value));
  if (value instanceof Set) return [...value];
  if (value instanceof Map) return [...value.keys()];
  if (isPlainObject(value)) return Object.keys(value);
  return [];
}

// --- strip_tags: Python's html.parser as Django's MLStripper drives it (convert_charrefs=False). ---

const ENTITY_REF = /^&([a-zA-Z][-.a-zA-Z0-9]*)[^a-zA-Z0-9]/;
const CHAR_REF = /^&#(?:[0-9]+|[xX][0-9a-fA-F]+)[^0-9a-fA-F]/;

/** Where a start tag beginning at `i` ends (after its `>`), honouring quoted attribute values; -1 when it never ends. */
function startTagEnd(text: string, i: number): number {
  let j = i + 1;
  while (j < text.length) {
    const c = text[j]!;
    if (c === '>') return j + 1;
    if ((c === '"' || c === "'") && /=\s*$/.test(text.slice(i, j))) {
      const close = text.indexOf(c, j + 1);
      if (close < 0) return -1;
      j = close + 1;
      continue;
    }
    j++;
  }
  return -1;
}

function stripOnce(text: string): string {
  let out = '';
  let i = 0;
  const n = text.length;
  while (i < n) {
    const next = text.slice(i).search(/[&<]/);
    if (next < 0) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, i + next);
    i += next;
    if (text[i] === '&') {
      const ref = CHAR_REF.exec(text.slice(i)) ?? ENTITY_REF.exec(text.slice(i));
      if (ref) {
        // The parser hands entities back without their terminator and MLStripper re-adds ";".
        const body = ref[0].slice(0, -1);
        out += body + ';';
        i += ref[0].endsWith(';') ? ref[0].length : ref[0].length - 1;
      } else if (i + 2 === n && /[a-zA-Z#]/.test(text[i + 1]!)) {
        // html.parser drops the "&" of an unfinished reference that ends the text ("…&h" → "…h").
        i += 1;
      } else {
        out += '&';
        i += 1;
      }
      continue;
    }
    let end: number;
    if (/^<[a-zA-Z]/.test(text.slice(i, i + 2))) {
      end = startTagEnd(text, i);
      if (end > 0) {
        const name = /^<([a-zA-Z][^\t\n\r\f />\0]*)/.exec(text.slice(i))![1]!.toLowerCase();
        if (name === 'script' || name === 'style') {
          // Their content is CDATA: kept as text, up to the closing tag.
          const closing = new RegExp(`</${name}\\s*>`, 'i');
          const rest = text.slice(end);
          const found = closing.exec(rest);
          out += found ? rest.slice(0, found.index) : rest;
          i = found ? end + found.index + found[0].length : n;
          continue;
        }
      }
    } else if (text.startsWith('<!--', i)) {
      const close = text.indexOf('-->', i + 4);
      end = close < 0 ? -1 : close + 3;
    } else if (text.startsWith('</', i) || text.startsWith('<!', i) || text.startsWith('<?', i)) {
      const close = text.indexOf('>', i + 2);
      end = close < 0 ? -1 : close + 1;
    } else {
      out += '<';
      i += 1;
      continue;
    }
    if (end < 0) {
      // An unfinished construct at the end is given back as text, up to the next ">" or "<".
      const gt = text.indexOf('>', i + 1);
      const lt = text.indexOf('<', i + 1);
      const stop = gt >= 0 ? gt + 1 : lt >= 0 ? lt : n;
      out += text.slice(i, stop);
      i = stop;
      continue;
    }
    i = end;
  }
  return out;
}

/** Django's strip_tags(): strip again while that removes something. */
export function stripTags(value: string): string {
  let text = value;
  while (text.includes('<') && text.includes('>')) {
    const stripped = stripOnce(text);
    if (count(text, '<') === count(stripped, '<')) break;
    text = stripped;
  }
  return text;
}

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}

/** Django's `striptags`. The result is plain text: it is escaped on output unless the input was safe. */
export function striptags(value: unknown): string | SafeString {
  return keepSafe(value, stripTags(str(value)));
}

// --- html.unescape (the entities text commonly holds) and the URL quoting urlize needs. ---

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', copy: '©', reg: '®', trade: '™', hellip: '…', mdash: '—',
  ndash: '–', lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', laquo: '«', raquo: '»', bull: '•', middot: '·', times: '×',
  divide: '÷', deg: '°', euro: '€', pound: '£', yen: '¥', cent: '¢', sect: '§', para: '¶', shy: '\u00ad', iexcl: '¡', iquest: '¿',
};
/** Entities HTML5 also accepts without the semicolon. */
const LEGACY = new Set(['amp', 'lt', 'gt', 'quot', 'nbsp', 'copy', 'reg', 'laquo', 'raquo', 'deg', 'pound', 'yen', 'cent', 'sect', 'para', 'shy', 'times', 'divide', 'middot', 'iexcl', 'iquest']);

export function unescapeHtml(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)/g, (match, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (code === 0 || (code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) return '\ufffd';
      return String.fromCodePoint(code);
    }
    if (ref.endsWith(';') && NAMED_ENTITIES[ref.slice(0, -1)] !== undefined) return NAMED_ENTITIES[ref.slice(0, -1)]!;
    for (let x = ref.length - (ref.endsWith(';') ? 1 : 0); x > 1; x--) {
      const name = ref.slice(0, x);
      if (LEGACY.has(name)) return NAMED_ENTITIES[name]! + ref.slice(x);
    }
    return match;
  });
}

const ALWAYS_SAFE = /^[A-Za-z0-9_.\-~]$/;

/** Python's urllib.parse.quote(). */
function quote(text: string, safeChars: string): string {
  let out = '';
  for (const char of text) {
    if (ALWAYS_SAFE.test(char) || safeChars.includes(char)) out += char;
    else for (const byte of new TextEncoder().encode(char)) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function quotePlus(text: string): string {
  return quote(text, ' ').replace(/ /g, '+');
}

/** Python's urllib.parse.unquote() (UTF-8, bad bytes replaced). */
function unquote(text: string): string {
  if (!text.includes('%')) return text;
  return text.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
    const bytes = new Uint8Array(run.length / 3);
    for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(run.slice(i * 3 + 1, i * 3 + 3), 16);
    return new TextDecoder('utf-8').decode(bytes);
  });
}

/** Django's punycode(): IDNA-encode each non-ASCII label; a bad label throws. */
function punycode(domain: string): string {
  const labels = domain.split('.');
  return labels
    .map((label, i) => {
      if (label === '' && i !== labels.length - 1) throw new RangeError('empty label');
      if (/^[\x00-\x7f]*$/.test(label)) return label;
      const ascii = domainToASCII(label);
      if (!ascii || ascii.length > 63) throw new RangeError('invalid label');
      return ascii;
    })
    .join('.');
}

const URL_SAFE = "!$&'()*+,;=:/?#[]@~";

function unquoteQuote(segment: string): string {
  return quote(unquote(segment), URL_SAFE);
}

/** Django's smart_urlquote(): quote a URL unless it already is. */
function smartUrlquote(url: string): string {
  let scheme = '';
  let rest = url;
  const colon = rest.indexOf(':');
  if (colon > 0 && /^[a-zA-Z][a-zA-Z0-9+.-]*$/.test(rest.slice(0, colon))) {
    scheme = rest.slice(0, colon).toLowerCase();
    rest = rest.slice(colon + 1);
  }
  let netloc = '';
  if (rest.startsWith('//')) {
    const end = rest.slice(2).search(/[/?#]/);
    netloc = end < 0 ? rest.slice(2) : rest.slice(2, 2 + end);
    rest = end < 0 ? '' : rest.slice(2 + end);
    if (netloc.includes('[') !== netloc.includes(']')) return unquoteQuote(url);
  }
  let fragment = '';
  let query = '';
  const hash = rest.indexOf('#');
  if (hash >= 0) [rest, fragment] = [rest.slice(0, hash), rest.slice(hash + 1)];
  const question = rest.indexOf('?');
  if (question >= 0) [rest, query] = [rest.slice(0, question), rest.slice(question + 1)];
  try {
    netloc = punycode(netloc);
  } catch {
    return unquoteQuote(url);
  }
  if (query) {
    query = query
      .split('&')
      .filter((pair) => pair !== '')
      .map((pair) => {
        const eq = pair.indexOf('=');
        const [key, value] = eq < 0 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)];
        return `${quotePlus(unquote(unquote(key.replace(/\+/g, ' '))))}=${quotePlus(unquote(unquote(value.replace(/\+/g, ' '))))}`;
      })
      .join('&');
  }
  let path = unquoteQuote(rest);
  fragment = unquoteQuote(fragment);
  if (netloc) {
    if (path && !path.startsWith('/')) path = `/${path}`;
    path = `//${netloc}${path}`;
  }
  return `${scheme ? `${scheme}:` : ''}${path}${query ? `?${query}` : ''}${fragment ? `#${fragment}` : ''}`;
}

const TRAILING_PUNCTUATION = '.,:;!';
const WRAPPING: Array<[string, string]> = [['(', ')'], ['[', ']']];
const SIMPLE_URL = /^https?:\/\/\[?[\p{L}\p{N}_]/iu;
const SIMPLE_URL_2 = /^www\.|^(?!http)[\p{L}\p{N}_][^@]+\.(com|edu|gov|int|mil|net|org)($|\/.*)$/iu;
const WORD_SPLIT = /([\s<>"']+)/;

function trimPunctuation(word: string): [string, string, string] {
  let lead = '';
  let middle = word;
  let trail = '';
  let trimmed = true;
  while (trimmed) {
    trimmed = false;
    for (const [opening, closing] of WRAPPING) {
      if (middle.startsWith(opening)) {
        middle = middle.slice(opening.length);
        lead += opening;
        trimmed = true;
      }
      // Keep parentheses at the end only if they're balanced.
      if (middle.endsWith(closing) && count(middle, closing) === count(middle, opening) + 1) {
        middle = middle.slice(0, -closing.length);
        trail = closing + trail;
        trimmed = true;
      }
    }
    // Unescape first so removing ";" does not break an entity.
    const unescaped = unescapeHtml(middle);
    let stripped = unescaped;
    while (stripped && TRAILING_PUNCTUATION.includes(stripped[stripped.length - 1]!)) stripped = stripped.slice(0, -1);
    if (unescaped !== stripped) {
      const punctuation = unescaped.length - stripped.length;
      trail = middle.slice(-punctuation) + trail;
      middle = middle.slice(0, -punctuation);
      trimmed = true;
    }
  }
  return [lead, middle, trail];
}

function isEmailSimple(value: string): boolean {
  if (!value.includes('@') || value.startsWith('@') || value.endsWith('@')) return false;
  const parts = value.split('@');
  if (parts.length !== 2) return false;
  return parts[1]!.includes('.') && !parts[1]!.startsWith('.');
}

function trimUrl(text: string, limit: number | undefined): string {
  const points = Array.from(text);
  if (limit === undefined || points.length <= limit) return text;
  return `${points.slice(0, Math.max(0, limit - 1)).join('')}…`;
}

function urlizeWord(word: string, safeInput: boolean, limit: number | undefined): string {
  const plain = (): string => (safeInput ? word : escapeHtml(word));
  if (!(word.includes('.') || word.includes('@') || word.includes(':'))) return plain();
  let [lead, middle, trail] = trimPunctuation(word);
  let url: string | undefined;
  let nofollow = ' rel="nofollow"';
  if (SIMPLE_URL.test(middle)) {
    url = smartUrlquote(unescapeHtml(middle));
  } else if (SIMPLE_URL_2.test(middle)) {
    url = smartUrlquote(`http://${unescapeHtml(middle)}`);
  } else if (!middle.includes(':') && isEmailSimple(middle)) {
    const at = middle.lastIndexOf('@');
    let domain: string;
    try {
      domain = punycode(middle.slice(at + 1));
    } catch {
      // Django returns the word unescaped here; escaping it costs nothing and keeps the output safe.
      return plain();
    }
    url = `mailto:${middle.slice(0, at)}@${domain}`;
    nofollow = '';
  }
  if (!url) return plain();
  let text = trimUrl(middle, limit);
  if (!safeInput) {
    lead = escapeHtml(lead);
    trail = escapeHtml(trail);
    text = escapeHtml(text);
  }
  return `${lead}<a href="${escapeHtml(url)}"${nofollow}>${text}</a>${trail}`;
}

function urlizeText(value: unknown, limit: number | undefined): SafeString {
  const safeInput = value instanceof SafeString;
  return new SafeString(
    str(value)
      .split(WORD_SPLIT)
      .map((word) => urlizeWord(word, safeInput, limit))
      .join(''),
  );
}

/** Django's `urlize`: links for http(s) URLs, www./bare domains and e-mail addresses; the rest escaped. */
export function urlize(value: unknown): SafeString {
  return urlizeText(value, undefined);
}

/** Django's `urlizetrunc`: urlize, shortening the link text to `limit` characters. */
export function urlizetrunc(value: unknown, limit: unknown): SafeString {
  return urlizeText(value, pyInt(limit));
}
