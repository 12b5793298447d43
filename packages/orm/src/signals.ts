import { Signal } from '@manouche/core';
import type { Database } from './db/database';

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
