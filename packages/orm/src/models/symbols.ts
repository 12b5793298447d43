/**
 * Per-instance state kept under symbols, so it never shows in
 * `Object.keys()`, `JSON.stringify()` or a template: the database the row
 * came from (undefined while unsaved), loaded relations, and the result set
 * it belongs to (for strict N+1 detection).
 */
export const DB = Symbol('manouche.orm.db');
export const RELATED = Symbol('manouche.orm.related');
export const ROWSET = Symbol('manouche.orm.rowset');
/** On Model.prototype: marks model instances cheaply. */
export const IS_MODEL = Symbol('manouche.orm.model');

/** Shared by the instances of one multi-row result. */
export interface RowSet {
  readonly size: number;
  readonly sql: string;
  readonly label: string;
}

export interface InstanceState {
  [DB]: unknown;
  [RELATED]: Record<string, unknown> | undefined;
  [ROWSET]: RowSet | undefined;
}

export function isModelInstance(value: unknown): value is Record<PropertyKey, unknown> {
  return value !== null && typeof value === 'object' && (value as Record<symbol, unknown>)[IS_MODEL] === true;
}
