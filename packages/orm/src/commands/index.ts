import { mkdirSync, readdirSync, existsSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type Command, type CommandContext, CommandError, defineCommand } from '@manouche/core';
import { getConnection } from '../db/connections';
import { apps } from '../models/model';
import type { AnyModel } from '../models/types';
import { detectChanges, InteractiveQuestioner, MigrationQuestionError, NonInteractiveQuestioner, type RenamePolicy, referencedApps, suggestName } from '../migrations/autodetector';
import { MigrationExecutor, type PlanStep, stateBefore } from '../migrations/executor';
import { loadMigrations, type MigrationGraph, type MigrationSources, type ModuleImporter } from '../migrations/loader';
import { describeOperation, type Operation } from '../migrations/operations';
import { ProjectState } from '../migrations/state';
import { writeMigration } from '../migrations/writer';

export interface CommandsConfig {
  sources: () => MigrationSources;
  importer: () => ModuleImporter | undefined;
  models: () => AnyModel[];
}

async function setup(context: CommandContext, config: CommandsConfig): Promise<{ graph: MigrationGraph; executor: MigrationExecutor }> {
  await context.app.ready();
  const db = getConnection(String(context.options.database ?? 'default'));
  const graph = await loadMigrations(config.sources(), config.importer());
  return { graph, executor: new MigrationExecutor(db, graph) };
}

function modelsState(config: CommandsConfig): ProjectState {
  return ProjectState.fromModels(config.models());
}

const databaseOption = { name: 'database', type: 'string' as const, help: 'Database alias to use', default: 'default' };

function migrateCommand(config: CommandsConfig): Command {
  return defineCommand({
    name: 'migrate',
    help: 'Apply migrations: all of them, or up to (or back to) one migration of an app; "zero" unapplies an app.',
    args: '[app_label] [migration_name]',
    options: [
      { name: 'fake', type: 'boolean', help: 'Mark the migrations as applied (or unapplied) without running them' },
      { name: 'plan', type: 'boolean', help: 'Show what would run, and run nothing' },
      databaseOption,
    ],
    async run(context) {
      const { executor, graph } = await setup(context, config);
      const [app, name] = context.args;
      if (app && !graph.plan().some((m) => m.app === app)) throw new CommandError(`App ${JSON.stringify(app)} does not have migrations. Apps with migrations: ${[...new Set(graph.plan().map((m) => m.app))].join(', ') || 'none'}.`);
      let steps: PlanStep[];
      try {
        steps = await executor.plan(app ? { app, name } : undefined);
      } catch (error) {
        throw new CommandError(error instanceof Error ? error.message : String(error));
      }
      const out = context.stdout;
      if (context.options.plan) {
        out.write('Planned operations:\n');
        if (!steps.length) out.write('  No planned migration operations.\n');
        for (const { migration, backwards } of steps) {
          out.write(`${migration.key}${backwards ? ' (undo)' : ''}\n`);
          for (const op of migration.operations) out.write(`    ${backwards ? 'Undo ' : ''}${describeOperation(op)}\n`);
        }
        return 0;
      }
      out.write(`Operations to perform:\n  ${app ? (name ? `Target specific migration: ${name}, from ${app}` : `Apply all migrations: ${app}`) : `Apply all migrations: ${[...new Set(graph.plan().map((m) => m.app))].sort().join(', ')}`}\nRunning migrations:\n`);
      if (!steps.length) out.write('  No migrations to apply.\n');
      const progress = steps.length ? context.progress('Migrating', steps.length) : undefined;
      try {
        // run() also sends postMigrate, so it is called even when nothing is pending
        await executor.run(steps, {
          fake: Boolean(context.options.fake),
          reporter: {
            done: (step, seconds) => {
              progress?.log(`  ${step.backwards ? 'Unapplying' : 'Applying'} ${step.migration.key}...${context.options.fake ? ' FAKED' : ' OK'} (${seconds.toFixed(2)}s)`);
              progress?.tick(1, step.migration.key);
            },
          },
        });
      } catch (error) {
        throw new CommandError(error instanceof Error ? error.message : String(error));
      }
      progress?.finish(`Applied ${steps.length} migration${steps.length === 1 ? '' : 's'}.`);
      // models changed since the last migration would not be reflected in the database
      const changes = await detectChanges(executor.finalState(), modelsState(config), new NonInteractiveQuestioner('rename'), Object.keys(config.sources())).catch(() => new Map());
      if (changes.size) {
        out.write(`  Your models in app(s): ${[...changes.keys()].map((a) => `'${a}'`).join(', ')} have changes that are not yet reflected in a migration, and so won't be applied.\n  Run 'manouche makemigrations' to make new migrations, and then re-run 'manouche migrate' to apply them.\n`);
      }
      return 0;
    },
  });
}

function showmigrationsCommand(config: CommandsConfig): Command {
  return defineCommand({
    name: 'showmigrations',
    help: 'List migrations and whether they are applied.',
    args: '[app_label ...]',
    options: [{ name: 'plan', type: 'boolean', help: 'List all migrations in the order they would run' }, databaseOption],
    async run(context) {
      const { graph, executor } = await setup(context, config);
      const applied = await executor.applied();
      const plan = graph.plan();
      const out = context.stdout;
      if (context.options.plan) {
        for (const m of plan) out.write(`[${applied.has(m.key) ? 'X' : ' '}]  ${m.key}\n`);
        return 0;
      }
      const labels = context.args.length ? context.args : [...new Set([...Object.keys(config.sources()), ...plan.map((m) => m.app)])].sort();
      for (const app of labels) {
        out.write(`${app}\n`);
        const own = plan.filter((m) => m.app === app);
        if (!own.length) out.write(' (no migrations)\n');
        for (const m of own) out.write(` [${applied.has(m.key) ? 'X' : ' '}] ${m.name}\n`);
      }
      return 0;
    },
  });
}

function sqlmigrateCommand(config: CommandsConfig): Command {
  return defineCommand({
    name: 'sqlmigrate',
    help: 'Print the SQL of a migration for this database, without running it.',
    args: '<app_label> <migration_name>',
    options: [{ name: 'backwards', type: 'boolean', help: 'The SQL to unapply it' }, databaseOption],
    async run(context) {
      const [app, name] = context.args;
      if (!app || !name) throw new CommandError('sqlmigrate needs an app label and a migration name: manouche sqlmigrate news 0001');
      const { executor, graph } = await setup(context, config);
      let statements: string[];
      let atomic: boolean;
      try {
        const migration = graph.find(app, name);
        atomic = migration.atomic && executor.db.vendor !== 'mysql';
        statements = await executor.sql(app, name, { backwards: Boolean(context.options.backwards) });
      } catch (error) {
        throw new CommandError(error instanceof Error ? error.message : String(error));
      }
      const lines = statements.map((s) => (s.startsWith('--') ? s : `${s.replace(/;\s*$/, '')};`));
      context.stdout.write(`${[...(atomic ? ['BEGIN;'] : []), ...lines, ...(atomic ? ['COMMIT;'] : [])].join('\n')}\n`);
      return 0;
    },
  });
}

/** The format of new migration files: the configured one, else the one already used in the folder, else TypeScript. */
function formatFor(directory: string, configured?: 'ts' | 'js' | 'mjs'): 'ts' | 'js' | 'mjs' {
  if (configured) return configured;
  if (existsSync(directory)) {
    const files = readdirSync(directory).filter((f) => /^\d{4}_/.test(f));
    const ext = files.map((f) => f.split('.').pop()).find((e) => e === 'ts' || e === 'js' || e === 'mjs');
    if (ext) return ext as 'ts' | 'js' | 'mjs';
  }
  return 'ts';
}

function makemigrationsCommand(config: CommandsConfig): Command {
  return defineCommand({
    name: 'makemigrations',
    help: 'Write migrations for the changes made to the models since the last migration.',
    args: '[app_label ...]',
    options: [
      { name: 'noinput', type: 'boolean', help: 'Never ask; fail when an answer is needed (see --renames)' },
      { name: 'renames', type: 'string', help: 'Without input, what a likely rename is: error (stop), rename, or drop (remove and add)', default: 'error' },
      { name: 'dry-run', type: 'boolean', help: 'Show the migrations without writing them' },
      { name: 'check', type: 'boolean', help: 'Exit with status 1 if migrations are missing, writing nothing' },
      { name: 'empty', type: 'boolean', help: 'Write an empty migration (for RunSQL/RunCode)' },
      { name: 'name', short: 'n', type: 'string', help: 'Name of the new migration' },
    ],
    async run(context) {
      const sources = config.sources();
      const graph = await loadMigrations(sources, config.importer());
      // without names, only apps with a directory: shipped ones (auth's) come with their package's migrations
      const labels = context.args.length ? context.args : Object.keys(sources).filter((app) => sources[app]!.directory);
      for (const app of labels) {
        if (!sources[app]?.directory) throw new CommandError(`App ${JSON.stringify(app)} has no migrations directory: add it to ormApp({ migrations: { ${app}: { directory } } }).`);
      }
      const policy = String(context.options.renames ?? 'error');
      if (!['error', 'rename', 'drop'].includes(policy)) throw new CommandError(`--renames must be error, rename or drop; got ${JSON.stringify(policy)}.`);
      const questioner = context.options.noinput ? new NonInteractiveQuestioner(policy as RenamePolicy) : new InteractiveQuestioner((q) => context.prompt(q));
      let changes: Map<string, Operation[]>;
      if (context.options.empty) {
        changes = new Map(labels.map((app) => [app, []]));
      } else {
        try {
          changes = await detectChanges(stateBefore(graph, undefined), modelsState(config), questioner, labels);
        } catch (error) {
          if (error instanceof MigrationQuestionError) throw new CommandError(error.message);
          throw error;
        }
      }
      const out = context.stdout;
      if (!changes.size) {
        out.write(context.args.length === 1 ? `No changes detected in app '${context.args[0]}'\n` : 'No changes detected\n');
        return 0;
      }
      if (context.options.check) {
        out.write(`Migrations are missing for: ${[...changes.keys()].join(', ')}\n`);
        return 1;
      }
      const now = new Date();
      // apps changing together depend on each other's new migration
      const newNames = new Map<string, string>();
      for (const [app, ops] of changes) {
        const leaves = graph.leaves(app);
        const number = leaves.length ? Math.max(...[...graph.nodes.values()].filter((m) => m.app === app).map((m) => Number(m.name.slice(0, 4)))) + 1 : 1;
        const suffix = context.options.name ? String(context.options.name) : suggestName(ops, leaves.length === 0, now);
        if (!/^\w+$/.test(suffix)) throw new CommandError(`A migration name may only contain letters, digits and underscores; got ${JSON.stringify(suffix)}.`);
        newNames.set(app, `${String(number).padStart(4, '0')}_${suffix}`);
      }
      for (const [app, ops] of changes) {
        const source = sources[app]!;
        const directory = source.directory!;
        const dependencies: Array<[string, string]> = graph.leaves(app).map((m) => [app, m.name]);
        for (const other of referencedApps(app, ops)) {
          const name = newNames.get(other) ?? graph.leaves(other)[0]?.name;
          if (name) dependencies.push([other, name]);
        }
        const format = formatFor(directory, source.format);
        const name = newNames.get(app)!;
        const file = join(directory, `${name}.${format}`);
        out.write(`Migrations for '${app}':\n  ${relative(process.cwd(), file)}\n`);
        for (const op of ops) out.write(`    - ${describeOperation(op)}\n`);
        if (context.options['dry-run']) continue;
        mkdirSync(directory, { recursive: true });
        writeFileSync(file, writeMigration({ dependencies, operations: ops }, format, now));
      }
      return 0;
    },
  });
}

export function ormCommands(config: CommandsConfig): Command[] {
  return [makemigrationsCommand(config), migrateCommand(config), showmigrationsCommand(config), sqlmigrateCommand(config)];
}

/** Every model defined, for commands run without an explicit model list. */
export function allModels(): AnyModel[] {
  return apps.all();
}
