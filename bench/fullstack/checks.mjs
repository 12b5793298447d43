// What a correct answer looks like for each test, checked before any load is counted.
import { ADDED_FORTUNE, FORTUNES } from './database.mjs';

const HTML_ENTITIES = { '&lt;': '<', '&gt;': '>', '&amp;': '&', '&quot;': '"', '&#x27;': "'", '&#39;': "'", '&#x2F;': '/' };
const unescape = (text) => text.replace(/&(lt|gt|amp|quot|#x27|#39|#x2F);/g, (e) => HTML_ENTITIES[e]);

const isWorld = (row) => row && Number.isInteger(row.id) && row.id >= 1 && row.id <= 10000 && Number.isInteger(row.randomNumber) && row.randomNumber >= 1 && row.randomNumber <= 10000;

export const checks = {
  json(body, response) {
    if (!/application\/json/.test(response.headers.get('content-type') ?? '')) return 'content-type is not application/json';
    return body === '{"message":"Hello, World!"}' ? null : `body was ${body}`;
  },
  db(body) {
    const row = JSON.parse(body);
    return isWorld(row) ? null : `not a world row: ${body}`;
  },
  queries: (count) => (body) => {
    const rows = JSON.parse(body);
    if (!Array.isArray(rows) || rows.length !== count) return `expected ${count} rows, got ${Array.isArray(rows) ? rows.length : typeof rows}`;
    return rows.every(isWorld) ? null : 'a row is not a world row';
  },
  fortunes(body, response) {
    if (!/text\/html/.test(response.headers.get('content-type') ?? '')) return 'content-type is not text/html';
    if (!/<table>/i.test(body)) return 'no <table>';
    if (body.includes('<script>alert')) return 'the <script> fortune was not escaped';
    const cells = [...body.matchAll(/<tr>\s*<td>(\d+)<\/td>\s*<td>([\s\S]*?)<\/td>\s*<\/tr>/g)].map((m) => [Number(m[1]), unescape(m[2])]);
    const expected = [...FORTUNES, ADDED_FORTUNE].sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
    if (cells.length !== expected.length) return `expected ${expected.length} rows, got ${cells.length}`;
    for (let i = 0; i < expected.length; i++) {
      if (cells[i][0] !== expected[i][0] || cells[i][1] !== expected[i][1]) return `row ${i}: expected ${JSON.stringify(expected[i])}, got ${JSON.stringify(cells[i])}`;
    }
    return null;
  },
};
