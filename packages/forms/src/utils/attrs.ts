import { escapeHtml } from '@manouche/core';

/** HTML attributes: `true` renders the bare name, `false`/`null`/`undefined` omit it. */
export type Attrs = Record<string, string | number | boolean | null | undefined>;

// Anything that could end the attribute or the tag is refused in a name; values are always escaped.
const ATTRIBUTE_NAME = /^[^\s"'<>/=\u0000-\u001f\u007f]+$/;
/** Names already checked: the same few (id, required, maxlength…) come back on every render. */
const checkedNames = new Set<string>();

function checkName(name: string): void {
  if (checkedNames.has(name)) return;
  if (!ATTRIBUTE_NAME.test(name)) throw new TypeError(`Invalid HTML attribute name ${JSON.stringify(name)}: it may not contain spaces, quotes, <, >, / or =.`);
  // bounded, in case names are generated
  if (checkedNames.size < 1000) checkedNames.add(name);
}

/** Django's flatatt(): ` name="value"` pairs, each value escaped, each name checked. */
export function flatatt(attrs: Attrs): string {
  let out = '';
  for (const name in attrs) {
    const value = attrs[name];
    if (value === false || value === null || value === undefined) continue;
    checkName(name);
    out += value === true ? ` ${name}` : ` ${name}="${escapeHtml(typeof value === 'string' ? value : String(value))}"`;
  }
  return out;
}

/** Checks attribute names up front (widget construction), so a bad name fails at start-up rather than at render. */
export function checkAttrs(attrs: Attrs): Attrs {
  for (const name in attrs) checkName(name);
  return attrs;
}
