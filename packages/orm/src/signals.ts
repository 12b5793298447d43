import { Signal } from '@manouche/core';
import type { Database } from './db/database';
import type { PlanStep } from './migrations/executor';
import type { LoadedMigration } from './migrations/loader';

/**
 * Django's model signals, on core's Signal. The sender is the model class:
 * `postSave.connect(({ instance, created }) => …, { sender: Article })`.
 * Sending is skipped entirely when nobody listens for that model.
 */
export interface SaveArgs<I = any> {
  sender: unknown;
  instance: I;
  using: Database;
  updateFields: readonly string[] | null;
  raw: boolean;
}

export const preSave = new Signal<SaveArgs>('preSave');
export const postSave = new Signal<SaveArgs & { created: boolean }>('postSave');

export interface DeleteArgs<I = any> {
  sender: unknown;
  instance: I;
  using: Database;
  origin: unknown;
}

export const preDelete = new Signal<DeleteArgs>('preDelete');
export const postDelete = new Signal<DeleteArgs>('postDelete');

export type M2MAction = 'pre_add' | 'post_add' | 'pre_remove' | 'post_remove' | 'pre_clear' | 'post_clear';

export interface M2MChangedArgs<I = any> {
  /** The intermediate model. */
  sender: unknown;
  instance: I;
  action: M2MAction;
  /** True when `instance` is on the reverse side of the relation. */
  reverse: boolean;
  /** The model of the objects added or removed. */
  model: unknown;
  /** Primary keys added or removed (null for clear). */
  pkSet: Set<unknown> | null;
  using: Database;
}

export const m2mChanged = new Signal<M2MChangedArgs>('m2mChanged');

export interface MigrateArgs {
  /** The connection alias (`'default'`); also the sender, so `connect(fn, { sender: 'default' })` listens to one database. */
  sender: string;
  using: string;
  database: Database;
  /** Every step run, in order (backwards steps when rolling back); empty when nothing was pending. */
  plan: readonly PlanStep[];
  /** The migrations applied forwards by this run, in order. */
  applied: readonly LoadedMigration[];
  /** True for `migrate --fake`: recorded, not run. */
  fake: boolean;
}

/**
 * Django's post_migrate: sent once at the end of every migrate run (the
 * `migrate` command or `MigrationExecutor.migrate()/run()`), also when no
 * migration was pending, so receivers can create rows the schema needs
 * (auth's permissions). Not sent by `migrate --plan` nor when a migration
 * failed. A receiver's error fails the run. Connect with a dispatchUid so a
 * module imported twice registers once:
 * `postMigrate.connect(createPermissions, { dispatchUid: 'auth.createPermissions' })`.
 */
export const postMigrate = new Signal<MigrateArgs>('postMigrate');
