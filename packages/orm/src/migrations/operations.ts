import type { Database } from '../db/database';
import { ImproperlyConfiguredError } from '../errors';
import type { IndexDefinition } from '../models/meta';
import type { SchemaEditor } from './schema';
import { cloneData, type ConstraintState, type FieldState, fieldFromState, type ModelStateOptions, type ProjectState, stateKey } from './state';

/** What a RunCode operation receives. */
export interface RunCodeContext {
  db: Database;
  /** The models' state at this point of the history. */
  state: ProjectState;
  /** Run SQL inside the migration (its transaction, where there is one). */
  execute(sql: string): Promise<void>;
}

/**
 * Database-agnostic migration operations (Django's `migrations.*`), plain
 * data so migration files need no imports. Model names refer to models of
 * the migration's own app.
 */
export type Operation =
  | { op: 'CreateModel'; name: string; fields: Record<string, FieldState>; options?: ModelStateOptions }
  | { op: 'DeleteModel'; name: string }
  | { op: 'RenameModel'; oldName: string; newName: string }
  | { op: 'AlterModelTable'; name: string; table: string | null }
  | { op: 'AlterModelOptions'; name: string; options: Pick<ModelStateOptions, 'ordering' | 'verboseName' | 'verboseNamePlural' | 'managed'> }
  | { op: 'AddField'; model: string; name: string; field: FieldState; oneOffDefault?: unknown }
  | { op: 'RemoveField'; model: string; name: string }
  | { op: 'AlterField'; model: string; name: string; field: FieldState }
  | { op: 'RenameField'; model: string; oldName: string; newName: string }
  | { op: 'AddIndex'; model: string; index: IndexDefinition & { name: string } }
  | { op: 'RemoveIndex'; model: string; name: string }
  | { op: 'AddConstraint'; model: string; constraint: ConstraintState }
  | { op: 'RemoveConstraint'; model: string; name: string }
  | { op: 'AlterUniqueTogether'; name: string; uniqueTogether: string[][] }
  | { op: 'RunSQL'; sql: string | string[]; reverseSql?: string | string[] }
  | { op: 'RunCode'; forward: (context: RunCodeContext) => unknown; backward?: (context: RunCodeContext) => unknown; description?: string };

/** A migration file's default export. */
export interface Migration {
  dependencies?: Array<[string, string]>;
  operations: Operation[];
  /** Run in one transaction where the backend allows it (default true). */
  atomic?: boolean;
}

export class IrreversibleError extends ImproperlyConfiguredError {}

const OPS = new Set(['CreateModel', 'DeleteModel', 'RenameModel', 'AlterModelTable', 'AlterModelOptions', 'AddField', 'RemoveField', 'AlterField', 'RenameField', 'AddIndex', 'RemoveIndex', 'AddConstraint', 'RemoveConstraint', 'AlterUniqueTogether', 'RunSQL', 'RunCode']);

export function checkOperation(op: unknown, where: string): Operation {
  const name = (op as { op?: unknown })?.op;
  if (typeof name !== 'string' || !OPS.has(name)) throw new ImproperlyConfiguredError(`${where}: unknown operation ${JSON.stringify(name)}. Known: ${[...OPS].join(', ')}.`);
  return op as Operation;
}

/** One line describing the operation (showmigrations --plan, progress). */
export function describeOperation(op: Operation): string {
  switch (op.op) {
    case 'CreateModel':
      return `Create model ${op.name}`;
    case 'DeleteModel':
      return `Delete model ${op.name}`;
    case 'RenameModel':
      return `Rename model ${op.oldName} to ${op.newName}`;
    case 'AlterModelTable':
      return `Rename table for ${op.name} to ${op.table ?? '(default)'}`;
    case 'AlterModelOptions':
      return `Change Meta options on ${op.name}`;
    case 'AddField':
      return `Add field ${op.name} to ${op.model}`;
    case 'RemoveField':
      return `Remove field ${op.name} from ${op.model}`;
    case 'AlterField':
      return `Alter field ${op.name} on ${op.model}`;
    case 'RenameField':
      return `Rename field ${op.oldName} on ${op.model} to ${op.newName}`;
    case 'AddIndex':
      return `Create index ${op.index.name} on field(s) ${op.index.fields.join(', ')} of model ${op.model}`;
    case 'RemoveIndex':
      return `Remove index ${op.name} from ${op.model}`;
    case 'AddConstraint':
      return `Create constraint ${op.constraint.name} on model ${op.model}`;
    case 'RemoveConstraint':
      return `Remove constraint ${op.name} from model ${op.model}`;
    case 'AlterUniqueTogether':
      return `Alter unique_together for ${op.name} (${op.uniqueTogether.length} constraint(s))`;
    case 'RunSQL':
      return 'Raw SQL operation';
    case 'RunCode':
      return op.description ?? 'Raw code operation';
  }
}

/** Apply an operation to the state (Django's state_forwards). */
export function stateForwards(op: Operation, app: string, state: ProjectState): void {
  state.touch();
  switch (op.op) {
    case 'CreateModel':
      state.models.set(stateKey(app, op.name), { app, name: op.name, fields: cloneData(op.fields), options: cloneData(op.options ?? {}) });
      return;
    case 'DeleteModel':
      state.get(app, op.name);
      state.models.delete(stateKey(app, op.name));
      return;
    case 'RenameModel': {
      const model = state.get(app, op.oldName);
      state.models.delete(stateKey(app, op.oldName));
      state.models.set(stateKey(app, op.newName), { ...model, name: op.newName });
      // relations pointing at the old name now point at the new one
      const from = `${app}.${op.oldName}`.toLowerCase();
      for (const other of state.models.values()) {
        for (const field of Object.values(other.fields)) {
          if (typeof field.options.to === 'string' && field.options.to.toLowerCase() === from) field.options.to = `${app}.${op.newName}`;
        }
      }
      return;
    }
    case 'AlterModelTable': {
      const model = state.get(app, op.name);
      if (op.table) model.options.dbTable = op.table;
      else delete model.options.dbTable;
      return;
    }
    case 'AlterModelOptions':
      Object.assign(state.get(app, op.name).options, cloneData(op.options));
      return;
    case 'AddField':
      state.get(app, op.model).fields[op.name] = cloneData(op.field);
      return;
    case 'RemoveField':
      delete state.get(app, op.model).fields[op.name];
      return;
    case 'AlterField':
      state.get(app, op.model).fields[op.name] = cloneData(op.field);
      return;
    case 'RenameField': {
      const model = state.get(app, op.model);
      // keep the field's position
      model.fields = Object.fromEntries(Object.entries(model.fields).map(([k, v]) => [k === op.oldName ? op.newName : k, v]));
      const rename = (names: string[] | undefined) => names?.map((n) => (n === op.oldName ? op.newName : n.replace(new RegExp(`^(-?)${op.oldName}$`), `$1${op.newName}`)));
      model.options.ordering = rename(model.options.ordering);
      model.options.uniqueTogether = model.options.uniqueTogether?.map((u) => rename(u)!);
      model.options.indexes = model.options.indexes?.map((i) => ({ ...i, fields: rename([...i.fields])! }));
      model.options.constraints = model.options.constraints?.map((c) => (c.kind === 'unique' ? { ...c, fields: rename(c.fields)! } : c));
      return;
    }
    case 'AddIndex':
      (state.get(app, op.model).options.indexes ??= []).push(cloneData(op.index));
      return;
    case 'RemoveIndex': {
      const model = state.get(app, op.model);
      model.options.indexes = (model.options.indexes ?? []).filter((i) => i.name !== op.name);
      return;
    }
    case 'AddConstraint':
      (state.get(app, op.model).options.constraints ??= []).push(cloneData(op.constraint));
      return;
    case 'RemoveConstraint': {
      const model = state.get(app, op.model);
      model.options.constraints = (model.options.constraints ?? []).filter((c) => c.name !== op.name);
      return;
    }
    case 'AlterUniqueTogether':
      state.get(app, op.name).options.uniqueTogether = cloneData(op.uniqueTogether);
      return;
    case 'RunSQL':
    case 'RunCode':
      return;
  }
}

/** An SQL literal for a one-off default (existing rows of a new NOT NULL column). */
function defaultLiteral(editor: SchemaEditor, field: FieldState, value: unknown): string {
  const instance = fieldFromState(field);
  const converted = instance.toJs(value);
  const toDb = instance.toDb(editor.db.vendor);
  const prepared = toDb && converted !== null ? toDb(converted) : converted;
  return editor.dialect.literal(prepared instanceof Date ? prepared.toISOString() : prepared);
}

/** The value new rows get when the field has a plain (non-function) default; undefined otherwise. */
function staticDefault(field: FieldState): unknown {
  return field.options.default;
}

async function runSql(editor: SchemaEditor, sql: string | string[]): Promise<void> {
  for (const statement of Array.isArray(sql) ? sql : [sql]) await editor.execute(statement);
}

/** Apply an operation to the database (Django's database_forwards). */
export async function databaseForwards(op: Operation, app: string, editor: SchemaEditor, from: ProjectState, to: ProjectState): Promise<void> {
  switch (op.op) {
    case 'CreateModel':
      return editor.createModel(to.meta(app, op.name));
    case 'DeleteModel':
      return editor.deleteModel(from.meta(app, op.name));
    case 'RenameModel':
      return editor.renameModelTable(from.meta(app, op.oldName), to.meta(app, op.newName));
    case 'AlterModelTable':
      return editor.renameModelTable(from.meta(app, op.name), to.meta(app, op.name));
    case 'AlterModelOptions':
      return;
    case 'AddField': {
      const after = to.meta(app, op.model);
      const field = after.getField(op.name);
      const fill = op.oneOffDefault !== undefined ? op.oneOffDefault : staticDefault(op.field);
      const literal = !field.null && fill !== undefined && field.concrete ? defaultLiteral(editor, op.field, fill) : undefined;
      return editor.addField(from.meta(app, op.model), after, field, literal);
    }
    case 'RemoveField': {
      const before = from.meta(app, op.model);
      return editor.removeField(before, to.meta(app, op.model), before.getField(op.name));
    }
    case 'AlterField': {
      const before = from.meta(app, op.model);
      const after = to.meta(app, op.model);
      return editor.alterField(before, after, before.getField(op.name), after.getField(op.name));
    }
    case 'RenameField': {
      const before = from.meta(app, op.model);
      const after = to.meta(app, op.model);
      return editor.renameField(before, after, before.getField(op.oldName), after.getField(op.newName));
    }
    case 'AddIndex':
      return editor.addIndex(to.meta(app, op.model), op.index.name);
    case 'RemoveIndex':
      return editor.removeIndex(from.meta(app, op.model), op.name);
    case 'AddConstraint':
    case 'RemoveConstraint':
      return editor.syncConstraints(from.meta(app, op.model), to.meta(app, op.model));
    case 'AlterUniqueTogether':
      return editor.syncConstraints(from.meta(app, op.name), to.meta(app, op.name));
    case 'RunSQL':
      return runSql(editor, op.sql);
    case 'RunCode':
      if (editor.collect) {
        editor.statements.push(`-- ${op.description ?? 'Raw code operation'} (runs as code)`);
        return;
      }
      await op.forward({ db: editor.db, state: to, execute: (sql) => editor.execute(sql) });
      return;
  }
}

/** Undo an operation (Django's database_backwards): `from` is the state after it, `to` the state before. */
export async function databaseBackwards(op: Operation, app: string, editor: SchemaEditor, from: ProjectState, to: ProjectState): Promise<void> {
  switch (op.op) {
    case 'CreateModel':
      return editor.deleteModel(from.meta(app, op.name));
    case 'DeleteModel':
      return editor.createModel(to.meta(app, op.name));
    case 'RenameModel':
      return editor.renameModelTable(from.meta(app, op.newName), to.meta(app, op.oldName));
    case 'AlterModelTable':
      return editor.renameModelTable(from.meta(app, op.name), to.meta(app, op.name));
    case 'AlterModelOptions':
      return;
    case 'AddField': {
      const before = from.meta(app, op.model);
      return editor.removeField(before, to.meta(app, op.model), before.getField(op.name));
    }
    case 'RemoveField': {
      const after = to.meta(app, op.model);
      const field = after.getField(op.name);
      const state = to.get(app, op.model).fields[op.name]!;
      const fill = staticDefault(state);
      if (!field.null && field.concrete && fill === undefined && !field.dbGenerated) {
        throw new IrreversibleError(`Cannot restore the NOT NULL field ${app}.${op.model}.${op.name} without a default: its values were dropped.`);
      }
      return editor.addField(from.meta(app, op.model), after, field, !field.null && fill !== undefined ? defaultLiteral(editor, state, fill) : undefined);
    }
    case 'AlterField': {
      const before = from.meta(app, op.model);
      const after = to.meta(app, op.model);
      return editor.alterField(before, after, before.getField(op.name), after.getField(op.name));
    }
    case 'RenameField': {
      const before = from.meta(app, op.model);
      const after = to.meta(app, op.model);
      return editor.renameField(before, after, before.getField(op.newName), after.getField(op.oldName));
    }
    case 'AddIndex':
      return editor.removeIndex(from.meta(app, op.model), op.index.name);
    case 'RemoveIndex':
      return editor.addIndex(to.meta(app, op.model), op.name);
    case 'AddConstraint':
    case 'RemoveConstraint':
      return editor.syncConstraints(from.meta(app, op.model), to.meta(app, op.model));
    case 'AlterUniqueTogether':
      return editor.syncConstraints(from.meta(app, op.name), to.meta(app, op.name));
    case 'RunSQL':
      if (op.reverseSql === undefined) throw new IrreversibleError('This RunSQL operation has no reverseSql: it cannot be unapplied.');
      return runSql(editor, op.reverseSql);
    case 'RunCode':
      if (!op.backward) throw new IrreversibleError(`${op.description ?? 'A RunCode operation'} has no backward function: it cannot be unapplied.`);
      if (editor.collect) {
        editor.statements.push(`-- ${op.description ?? 'Raw code operation'} (runs as code)`);
        return;
      }
      await op.backward({ db: editor.db, state: to, execute: (sql) => editor.execute(sql) });
      return;
  }
}
