// Fastify + pg + Eta, written the way their docs show.
import Fastify from 'fastify';
import { Eta } from 'eta';
import pg from 'pg';
import { fileURLToPath } from 'node:url';
import { ADDED_FORTUNE, DB, queryCount, randomId } from '../database.mjs';

const pool = new pg.Pool({ ...DB, max: Number(process.env.BENCH_POOL ?? 16) });
const eta = new Eta({ views: fileURLToPath(new URL('../views', import.meta.url)), cache: true });
const getWorld = async () => {
  const { rows } = await pool.query({ name: 'world', text: 'SELECT id, randomnumber FROM world WHERE id = $1', values: [randomId()] });
  return { id: rows[0].id, randomNumber: rows[0].randomnumber };
};

const app = Fastify({ logger: false });
app.get('/json', async () => ({ message: 'Hello, World!' }));
app.get('/db', () => getWorld());
app.get('/queries', (request) => Promise.all(Array.from({ length: queryCount(request.query.queries) }, getWorld)));
app.get('/fortunes', async (_request, reply) => {
  const { rows } = await pool.query({ name: 'fortunes', text: 'SELECT id, message FROM fortune' });
  rows.push({ id: ADDED_FORTUNE[0], message: ADDED_FORTUNE[1] });
  rows.sort((a, b) => (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
  reply.type('text/html; charset=utf-8');
  return eta.render('./fortunes', { fortunes: rows });
});
app.get('/updates', async (request) => {
  const worlds = await Promise.all(Array.from({ length: queryCount(request.query.queries) }, getWorld));
  for (const w of worlds) w.randomNumber = randomId();
  const sorted = [...worlds].sort((a, b) => a.id - b.id);
  const tuples = sorted.map((_, i) => `($${2 * i + 1}::int, $${2 * i + 2}::int)`).join(', ');
  await pool.query({ name: `updates-${sorted.length}`, text: `UPDATE world AS w SET randomnumber = v.r FROM (VALUES ${tuples}) AS v(id, r) WHERE w.id = v.id`, values: sorted.flatMap((w) => [w.id, w.randomNumber]) });
  return worlds;
});

const address = await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
console.log(`listening ${address}`);
process.on('SIGTERM', () => app.close().then(() => pool.end()).then(() => process.exit(0)));
