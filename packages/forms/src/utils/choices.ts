import type { SafeString } from '@manouche/core';

export type ChoiceLabel = string | SafeString;
export type ChoiceValue = string | number | boolean | null;
/** One choice `[value, label]`, or a group `[groupLabel, [[value, label], …]]` (an <optgroup>). */
export type ChoiceEntry = readonly [ChoiceValue, ChoiceLabel] | readonly [ChoiceLabel, readonly (readonly [ChoiceValue, ChoiceLabel])[]];
/**
 * Django's choices: a list of entries, a `{ value: label }` object, a Map, or
 * a function returning entries, called at each use (so `rows.map((r) => [r.id, r.name])`
 * follows the database).
 */
export type ChoicesInput = readonly ChoiceEntry[] | Readonly<Record<string, ChoiceLabel>> | ReadonlyMap<ChoiceValue, ChoiceLabel> | (() => Iterable<ChoiceEntry | readonly unknown[]>);

export type NormalizedChoice = readonly [ChoiceValue, ChoiceLabel | readonly (readonly [ChoiceValue, ChoiceLabel])[]];

/**
 * Entries as a list (a function is called each time, so choices can follow
 * the database). An array is returned as is: callers only read it.
 */
export function normalizeChoices(choices: ChoicesInput | Iterable<ChoiceEntry> | undefined): readonly NormalizedChoice[] {
  if (choices === undefined) return [];
  if (Array.isArray(choices)) return choices as readonly NormalizedChoice[];
  if (typeof choices === 'function') return [...choices()] as NormalizedChoice[];
  if (choices instanceof Map) return [...choices.entries()] as NormalizedChoice[];
  if (Symbol.iterator in (choices as object)) return [...(choices as Iterable<NormalizedChoice>)];
  return Object.entries(choices as Record<string, ChoiceLabel>);
}

/** Every `[value, label]`, groups flattened. */
export function* flatChoices(choices: Iterable<NormalizedChoice>): Generator<readonly [ChoiceValue, ChoiceLabel]> {
  for (const [value, label] of choices) {
    if (Array.isArray(label)) yield* label as readonly (readonly [ChoiceValue, ChoiceLabel])[];
    else yield [value, label as ChoiceLabel];
  }
}
