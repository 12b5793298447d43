// What a correct answer looks like for each test, checked before any load is counted.
// Each check takes (body, response) and returns null when correct, else what is wrong.
import { ADDED_FORTUNE, FORTUNES } from './database.mjs';

const HTML_ENTITIES = { '&lt;': '<', '&gt;': '>', '&amp;': '&', '&quot;': '"', '&#x27;': "'", '&#39;': "'", '&#x2F;': '/' };
const unescape = (text) => text.replace(/&(lt|gt|amp|quot|#x27|#39|#x2F);/g, (e) => HTML_ENTITIES[e]);
const EXPECTED_FORTUNES = [...FORTUNES, ADDED_FORTUNE].sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));

const isWorld = (row) => row && Number.isInteger(row.id) && row.id >= 1 && row.id <= 10000 && Number.isInteger(row.randomNumber) && row.randomNumber >= 1 && row.randomNumber <= 10000;
const contentType = (response, pattern) => (pattern.test(response.headers.get('content-type') ?? '') ? null : `content-type is ${response.headers.get('content-type')}, expected ${pattern}`);
const parse = (body) => {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
};

function fortunes(body, response) {
  const problem = contentType(response, /^text\/html;\s*charset=utf-8$/i);
  if (problem) return problem;
  if (!/^<!DOCTYPE html><html><head><title>Fortunes<\/title><\/head><body><table>/.test(body)) return 'not in the base layout (doctype, <title>Fortunes</title>, body)';
  if (!body.trimEnd().endsWith('</table></body></html>')) return 'the layout does not close after the table';
  if (body.includes('<script>')) return 'the <script> fortune was not escaped';
  if (!body.includes('&lt;script&gt;')) return 'the <script> fortune is missing';
  const cells = [...body.matchAll(/<tr>\s*<td>(\d+)<\/td>\s*<td>([\s\S]*?)<\/td>\s*<\/tr>/g)].map((m) => [Number(m[1]), unescape(m[2])]);
  if (cells.length !== EXPECTED_FORTUNES.length) return `expected ${EXPECTED_FORTUNES.length} rows, got ${cells.length}`;
  for (let i = 0; i < EXPECTED_FORTUNES.length; i++) {
    if (cells[i][0] !== EXPECTED_FORTUNES[i][0] || cells[i][1] !== EXPECTED_FORTUNES[i][1]) return `row ${i}: expected ${JSON.stringify(EXPECTED_FORTUNES[i])}, got ${JSON.stringify(cells[i])}`;
  }
  return null;
}

/** The headers Manouche's default stack must add (security, clickjacking). */
const STACK_HEADERS = { 'x-frame-options': 'DENY', 'x-content-type-options': 'nosniff', 'referrer-policy': 'same-origin', 'cross-origin-opener-policy': 'same-origin' };

export const checks = {
  json(body, response) {
    return contentType(response, /^application\/json/) ?? (body === '{"message":"Hello, World!"}' ? null : `body was ${body}`);
  },
  db(body, response) {
    const row = parse(body);
    return contentType(response, /^application\/json/) ?? (isWorld(row) ? null : `not a world row: ${body.slice(0, 200)}`);
  },
  queries: (count) => (body, response) => {
    const rows = parse(body);
    if (!Array.isArray(rows) || rows.length !== count) return `expected ${count} rows, got ${Array.isArray(rows) ? rows.length : body.slice(0, 200)}`;
    return contentType(response, /^application\/json/) ?? (rows.every(isWorld) ? null : 'a row is not a world row');
  },
  fortunes,
  /** /page: the fortunes page, plus the default stack's headers. */
  page(body, response) {
    for (const [name, value] of Object.entries(STACK_HEADERS)) {
      if (response.headers.get(name) !== value) return `${name} is ${response.headers.get(name)}, expected ${value} (the default middleware did not run)`;
    }
    return fortunes(body, response);
  },
};

/**
 * The world rows of a /db, /queries or /updates answer are what the table holds now: read
 * answers are not made up, and updates were written. (An /updates answer may name an id twice,
 * with two new numbers; either may have been written last.) `client` is a connected pg client.
 */
export async function persisted(body, client) {
  const parsed = parse(body);
  const rows = Array.isArray(parsed) ? parsed : [parsed];
  const wanted = new Map();
  for (const row of rows) (wanted.get(row.id) ?? wanted.set(row.id, new Set()).get(row.id)).add(row.randomNumber);
  const { rows: stored } = await client.query('SELECT id, randomnumber FROM world WHERE id = ANY($1::int[])', [[...wanted.keys()]]);
  if (stored.length !== wanted.size) return `ids not in the table: ${[...wanted.keys()].filter((id) => !stored.some((s) => s.id === id)).join(', ')}`;
  for (const { id, randomnumber } of stored) {
    if (!wanted.get(id).has(randomnumber)) return `world ${id} holds ${randomnumber} in the table, the answer said ${[...wanted.get(id)].join(' or ')}`;
  }
  return null;
}
