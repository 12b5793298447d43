/**
 * The same string, flat and internalized (V8 interns property names): a
 * concatenation is a rope whose every map lookup re-walks it, and a copy
 * compares character by character, while two internalized strings compare
 * by identity. For keys made once and looked up many times.
 */
export function internalize(text: string): string {
  return Object.keys({ [text]: 0 })[0]!;
}
