import { connect, createTables, type Database } from '@manouche/orm';
import type { AnyModel } from '@manouche/orm';

/** A fresh in-memory SQLite database with these models' tables (their many-to-many tables included). */
export async function sqliteWith(models: AnyModel[]): Promise<Database> {
  const db = await connect({ ENGINE: 'sqlite', NAME: ':memory:' }, { models });
  const metas = models.flatMap((model) => [
    model._meta,
    ...model._meta.manyToMany.map((field) => field.throughModel!._meta).filter((meta) => meta.autoCreated),
  ]);
  await createTables(db, metas);
  return db;
}
