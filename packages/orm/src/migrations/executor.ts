import { Table, type QueryRunner } from 'typeorm';
import type { Database } from '../db/database';
import { ImproperlyConfiguredError } from '../errors';
import { postMigrate } from '../signals';
import { BigAutoField, CharField, DateTimeField, sqliteDatetime } from '../fields/scalar';
import { Apps, ModelMeta } from '../models/meta';
import { tableColumn } from '../schema/tables';
import { type LoadedMigration, type MigrationGraph, migrationKey } from './loader';
import { databaseBackwards, databaseForwards, stateForwards } from './operations';
import { SchemaEditor } from './schema';
import { ProjectState } from './state';

/** The table recording applied migrations (Django's django_migrations). */
export const MIGRATIONS_TABLE = 'manouche_migrations';

export interface PlanStep {
  migration: LoadedMigration;
  backwards: boolean;
}

/** Progress callbacks of a migrate run (the command prints them). */
export interface MigrateReporter {
  start?(steps: PlanStep[]): void;
  step?(step: PlanStep): void;
  done?(step: PlanStep, seconds: number): void;
}

function recorderMeta(): ModelMeta {
  return new ModelMeta(new Apps(), 'manouche.Migration', {
    app: new CharField({ maxLength: 255 }),
    name: new CharField({ maxLength: 255 }),
    applied: new DateTimeField(),
  }, { dbTable: MIGRATIONS_TABLE });
}

/**
 * Plans and applies migrations (Django's MigrationExecutor): forwards to the
 * latest or to a target, backwards to roll back, each migration in its own
 * transaction where the backend has transactional DDL (SQLite, PostgreSQL).
 */
export class MigrationExecutor {
  constructor(
    readonly db: Database,
    readonly graph: MigrationGraph,
  ) {}

  private q(name: string): string {
    return this.db.dialect.quote(name);
  }

  /** Create the migrations table if needed. */
  async ensureTable(): Promise<void> {
    const runner = this.db.dataSource.createQueryRunner();
    try {
      if (await runner.hasTable(MIGRATIONS_TABLE)) return;
      const meta = recorderMeta();
      const id = new BigAutoField();
      id.contribute(meta, 'id');
      const columns = [id, ...meta.concreteFields.filter((f) => !f.primaryKey)].map((f) => tableColumn(f, this.db.dialect));
      await runner.createTable(new Table({ name: MIGRATIONS_TABLE, columns }), true);
    } finally {
      await runner.release();
    }
  }

  /** Keys (`app.name`) of applied migrations. */
  async applied(): Promise<Set<string>> {
    await this.ensureTable();
    const { rows } = await this.db.query(`SELECT ${this.q('app')}, ${this.q('name')} FROM ${this.q(MIGRATIONS_TABLE)}`);
    return new Set(rows.map(([app, name]) => migrationKey(String(app), String(name))));
  }

  stateBefore(migration: LoadedMigration | undefined): ProjectState {
    return stateBefore(this.graph, migration);
  }

  /** The state at the end of the history. */
  finalState(): ProjectState {
    return stateBefore(this.graph, undefined);
  }

  /**
   * What `migrate` would do: no target → apply everything unapplied; a
   * target → apply up to it, or unapply what comes after it in its app;
   * `zero` → unapply the whole app.
   */
  async plan(target?: { app: string; name?: string }): Promise<PlanStep[]> {
    const applied = await this.applied();
    const plan = this.graph.plan();
    if (!target) return plan.filter((m) => !applied.has(m.key)).map((migration) => ({ migration, backwards: false }));
    const appMigrations = plan.filter((m) => m.app === target.app);
    if (appMigrations.length === 0) throw new ImproperlyConfiguredError(`App ${JSON.stringify(target.app)} does not have migrations.`);
    if (!target.name) {
      const wanted = new Set(appMigrations.flatMap((m) => [...this.graph.ancestors(m.key)]));
      return plan.filter((m) => wanted.has(m.key) && !applied.has(m.key)).map((migration) => ({ migration, backwards: false }));
    }
    if (target.name === 'zero') {
      const undo = new Set(appMigrations.flatMap((m) => [...this.graph.descendants(m.key)]));
      return plan.filter((m) => undo.has(m.key) && applied.has(m.key)).reverse().map((migration) => ({ migration, backwards: true }));
    }
    const node = this.graph.find(target.app, target.name);
    if (applied.has(node.key)) {
      // roll back the app's migrations after the target (and what depends on them)
      const after = appMigrations.filter((m) => m.key !== node.key && this.graph.ancestors(m.key).has(node.key));
      const undo = new Set(after.flatMap((m) => [...this.graph.descendants(m.key)]));
      return plan.filter((m) => undo.has(m.key) && applied.has(m.key)).reverse().map((migration) => ({ migration, backwards: true }));
    }
    const wanted = this.graph.ancestors(node.key);
    return plan.filter((m) => wanted.has(m.key) && !applied.has(m.key)).map((migration) => ({ migration, backwards: false }));
  }

  /** Apply a plan (`fake` only records it), then send postMigrate, even for an empty plan. */
  async run(steps: PlanStep[], options: { fake?: boolean; reporter?: MigrateReporter } = {}): Promise<void> {
    const fake = options.fake ?? false;
    options.reporter?.start?.(steps);
    for (const step of steps) {
      options.reporter?.step?.(step);
      const started = performance.now();
      await this.runOne(step, fake);
      options.reporter?.done?.(step, (performance.now() - started) / 1000);
    }
    this.db.clearStatementCache();
    const alias = this.db.alias;
    if (postMigrate.hasListeners(alias)) {
      const applied = steps.filter((s) => !s.backwards).map((s) => s.migration);
      await postMigrate.send(alias, { sender: alias, using: alias, database: this.db, plan: steps, applied, fake });
    }
  }

  /** Apply everything unapplied (or up to a target). */
  async migrate(target?: { app: string; name?: string }, options: { fake?: boolean; reporter?: MigrateReporter } = {}): Promise<PlanStep[]> {
    const steps = await this.plan(target);
    await this.run(steps, options);
    return steps;
  }

  private async record(runner: QueryRunner, migration: LoadedMigration, backwards: boolean): Promise<void> {
    const p = (n: number) => this.db.dialect.placeholder(n);
    if (backwards) {
      await runner.query(`DELETE FROM ${this.q(MIGRATIONS_TABLE)} WHERE ${this.q('app')} = ${p(1)} AND ${this.q('name')} = ${p(2)}`, [migration.app, migration.name]);
    } else {
      const now = new Date();
      await runner.query(`INSERT INTO ${this.q(MIGRATIONS_TABLE)} (${this.q('app')}, ${this.q('name')}, ${this.q('applied')}) VALUES (${p(1)}, ${p(2)}, ${p(3)})`, [migration.app, migration.name, this.db.vendor === 'sqlite' ? sqliteDatetime(now) : now]);
    }
  }

  /** Run the operations of one migration (forwards or backwards) on an editor. */
  private async operate(editor: SchemaEditor, migration: LoadedMigration, backwards: boolean): Promise<void> {
    const states = [this.stateBefore(migration)];
    for (const op of migration.operations) {
      const next = states[states.length - 1]!.clone();
      stateForwards(op, migration.app, next);
      states.push(next);
    }
    if (!backwards) {
      for (let i = 0; i < migration.operations.length; i++) await databaseForwards(migration.operations[i]!, migration.app, editor, states[i]!, states[i + 1]!);
    } else {
      for (let i = migration.operations.length - 1; i >= 0; i--) await databaseBackwards(migration.operations[i]!, migration.app, editor, states[i + 1]!, states[i]!);
    }
  }

  private async runOne(step: PlanStep, fake: boolean): Promise<void> {
    const { migration, backwards } = step;
    const db = this.db;
    const runner = db.dataSource.createQueryRunner();
    const atomic = migration.atomic && db.vendor !== 'mysql';
    try {
      await runner.connect();
      if (db.vendor === 'sqlite') await runner.query('PRAGMA foreign_keys = OFF');
      if (atomic) await runner.startTransaction();
      try {
        const editor = new SchemaEditor(db, runner, false);
        if (!fake) {
          // RunCode operations use the ORM: inside a transaction, route it through the migration's connection
          if (atomic) await db.withConnection(await runner.connect(), () => this.operate(editor, migration, backwards));
          else await this.operate(editor, migration, backwards);
        }
        await this.record(runner, migration, backwards);
        if (db.vendor === 'sqlite') {
          const violations = (await runner.query('PRAGMA foreign_key_check')) as unknown[];
          if (violations.length) throw new ImproperlyConfiguredError(`Migration ${migration.key} leaves ${violations.length} row(s) pointing at missing rows (PRAGMA foreign_key_check).`);
        }
        if (atomic) await runner.commitTransaction();
      } catch (error) {
        if (atomic && runner.isTransactionActive) await runner.rollbackTransaction();
        const message = error instanceof Error ? error.message : String(error);
        throw new MigrationError(`${backwards ? 'Unapplying' : 'Applying'} ${migration.key} failed${atomic ? ' (rolled back)' : db.vendor === 'mysql' ? ' (MySQL cannot roll back DDL: the database may be partly migrated)' : ''}: ${message}`, error);
      }
    } finally {
      if (db.vendor === 'sqlite') await runner.query('PRAGMA foreign_keys = ON').catch(() => undefined);
      await runner.release();
    }
  }

  /** The SQL a migration would run (sqlmigrate), without running it. */
  async sql(app: string, name: string, options: { backwards?: boolean } = {}): Promise<string[]> {
    const migration = this.graph.find(app, name);
    const runner = this.db.dataSource.createQueryRunner();
    try {
      const editor = new SchemaEditor(this.db, runner, true);
      await this.operate(editor, migration, options.backwards ?? false);
      return editor.statements;
    } finally {
      await runner.release();
    }
  }
}

/** The state after every migration that comes before `migration` in the plan (the state it starts from); all of them when undefined. */
export function stateBefore(graph: MigrationGraph, migration: LoadedMigration | undefined): ProjectState {
  const state = new ProjectState();
  for (const m of graph.plan()) {
    if (m === migration) break;
    for (const op of m.operations) stateForwards(op, m.app, state);
  }
  return state;
}

export class MigrationError extends ImproperlyConfiguredError {
  constructor(message: string, cause?: unknown) {
    super(message);
    this.name = 'MigrationError';
    if (cause !== undefined) (this as { cause?: unknown }).cause = cause;
  }
}
