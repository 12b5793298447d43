// The floor: node:http + pg with prepared statements and hand-written escaping.
import { createServer } from 'node:http';
import pg from 'pg';
import { ADDED_FORTUNE, DB, queryCount, randomId } from '../database.mjs';

const pool = new pg.Pool({ ...DB, max: Number(process.env.BENCH_POOL ?? 16) });
const worldQuery = (id) => ({ name: 'world', text: 'SELECT id, randomnumber FROM world WHERE id = $1', values: [id] });
const getWorld = async () => {
  const { rows } = await pool.query(worldQuery(randomId()));
  return { id: rows[0].id, randomNumber: rows[0].randomnumber };
};

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;' };
const escape = (text) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]);

function send(res, status, type, body) {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
const json = (res, data) => send(res, 200, 'application/json', JSON.stringify(data));

async function handle(req, res) {
  const [path, query = ''] = req.url.split('?');
  const queries = () => queryCount(new URLSearchParams(query).get('queries'));
  switch (path) {
    case '/json':
      return json(res, { message: 'Hello, World!' });
    case '/db':
      return json(res, await getWorld());
    case '/queries':
      return json(res, await Promise.all(Array.from({ length: queries() }, getWorld)));
    case '/fortunes': {
      const { rows } = await pool.query({ name: 'fortunes', text: 'SELECT id, message FROM fortune' });
      rows.push({ id: ADDED_FORTUNE[0], message: ADDED_FORTUNE[1] });
      rows.sort((a, b) => (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
      let html = '<!DOCTYPE html><html><head><title>Fortunes</title></head><body><table><tr><th>id</th><th>message</th></tr>';
      for (const f of rows) html += `<tr><td>${f.id}</td><td>${escape(f.message)}</td></tr>`;
      return send(res, 200, 'text/html; charset=utf-8', `${html}</table></body></html>`);
    }
    case '/updates': {
      const worlds = await Promise.all(Array.from({ length: queries() }, getWorld));
      for (const w of worlds) w.randomNumber = randomId();
      const sorted = [...worlds].sort((a, b) => a.id - b.id);
      const values = sorted.flatMap((w) => [w.id, w.randomNumber]);
      const tuples = sorted.map((_, i) => `($${2 * i + 1}::int, $${2 * i + 2}::int)`).join(', ');
      await pool.query({ name: `updates-${sorted.length}`, text: `UPDATE world AS w SET randomnumber = v.r FROM (VALUES ${tuples}) AS v(id, r) WHERE w.id = v.id`, values });
      return json(res, worlds);
    }
    default:
      return send(res, 404, 'text/plain', 'Not Found');
  }
}

const server = createServer((req, res) => {
  handle(req, res).catch((error) => {
    console.error(error);
    send(res, 500, 'text/plain', 'Server Error');
  });
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => console.log(`listening http://127.0.0.1:${server.address().port}`));
process.on('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))));
