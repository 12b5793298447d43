/**
 * A string that has been explicitly marked as safe to output as HTML without
 * further escaping. It is the one marker the whole stack honours: templates,
 * forms and error pages all skip escaping for a SafeString and nothing else.
 */
export class SafeString {
  readonly value: string;
  constructor(value: string) {
    this.value = value;
  }
  toString(): string {
    return this.value;
  }
  toJSON(): string {
    return this.value;
  }
  get length(): number {
    return this.value.length;
  }
}

/** Mark `value` as safe HTML. Only do this for strings you built from escaped parts. */
export function markSafe(value: unknown): SafeString {
  if (value instanceof SafeString) return value;
  return new SafeString(String(value ?? ''));
}

export function isSafe(value: unknown): value is SafeString {
  return value instanceof SafeString;
}
