// Express + TypeORM + Eta: what a Node user assembles today, written the way their docs show.
import express from 'express';
import { Eta } from 'eta';
import { DataSource, EntitySchema } from "typeorm";
import { fileURLToPath } from 'node:url';
import { ADDED_FORTUNE, DB, queryCount, randomId } from '../database.mjs';

const World = new EntitySchema({ name: 'World', tableName: 'world', columns: { id: { type: Number, primary: true }, randomnumber: { type: Number } } });
const Fortune = new EntitySchema({ name: 'Fortune', tableName: 'fortune', columns: { id: { type: Number, primary: true }, message: { type: String } } });
const dataSource = new DataSource({ type: 'postgres', ...DB, username: DB.user, entities: [World, Fortune], poolSize: Number(process.env.BENCH_POOL ?? 16) });
await dataSource.initialize();
const worlds = dataSource.getRepository(World);
const fortunes = dataSource.getRepository(Fortune);
const eta = new Eta({ views: fileURLToPath(new URL('../views', import.meta.url)), cache: true });

const getWorld = async () => {
  const row = await worlds.findOneBy({ id: randomId() });
  return { id: row.id, randomNumber: row.randomnumber };
};
const wrap = (fn) => (req, res, next) => fn(req, res).catch(next);

const app = express();
app.disable('x-powered-by');
app.get('/json', (_req, res) => res.json({ message: 'Hello, World!' }));
app.get('/db', wrap(async (_req, res) => res.json(await getWorld())));
app.get('/queries', wrap(async (req, res) => res.json(await Promise.all(Array.from({ length: queryCount(req.query.queries) }, getWorld)))));
app.get('/fortunes', wrap(async (_req, res) => {
  const rows = await fortunes.find();
  rows.push({ id: ADDED_FORTUNE[0], message: ADDED_FORTUNE[1] });
  rows.sort((a, b) => (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
  res.type('html').send(eta.render('./fortunes', { fortunes: rows }));
}));
app.get('/updates', wrap(async (req, res) => {
  const rows = await Promise.all(Array.from({ length: queryCount(req.query.queries) }, () => worlds.findOneBy({ id: randomId() })));
  for (const row of rows) row.randomnumber = randomId();
  await worlds.save([...rows].sort((a, b) => a.id - b.id));
  res.json(rows.map((row) => ({ id: row.id, randomNumber: row.randomnumber })));
}));

const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => console.log(`listening http://127.0.0.1:${server.address().port}`));
process.on('SIGTERM', () => server.close(() => dataSource.destroy().then(() => process.exit(0))));

