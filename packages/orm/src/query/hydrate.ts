import type { Converter } from '../fields/base';
import type { ModelMeta } from '../models/meta';
import { DB, RELATED, ROWSET, type RowSet } from '../models/symbols';

type Constructor = new (...args: unknown[]) => object;

const identifier = /^[A-Za-z_$][\w$]*$/;

function checkName(name: string): string {
  // names reach generated code only as JSON string literals, and only after validation against the model
  if (!identifier.test(name)) throw new Error(`Invalid attribute name ${JSON.stringify(name)}.`);
  return JSON.stringify(name);
}

const constructors = new WeakMap<ModelMeta, Map<string, Constructor>>();

/**
 * A constructor that builds an instance of the model from column values in
 * a fixed order, with the model's prototype: one hidden class per column
 * set, so V8 keeps property access monomorphic.
 */
export function rowConstructor(meta: ModelMeta, attnames: readonly string[]): Constructor {
  let byColumns = constructors.get(meta);
  if (!byColumns) {
    byColumns = new Map();
    constructors.set(meta, byColumns);
  }
  const key = attnames.join(',');
  let ctor = byColumns.get(key);
  if (!ctor) {
    const params = attnames.map((_, i) => `a${i}`);
    const body = attnames.map((name, i) => `this[${checkName(name)}] = a${i};`).join('\n');
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    ctor = new Function('DB', 'RELATED', 'ROWSET', `return function Row(${[...params, 'db', 'rows'].join(', ')}) {\n${body}\nthis[DB] = db;\nthis[RELATED] = undefined;\nthis[ROWSET] = rows;\n};`)(DB, RELATED, ROWSET) as Constructor;
    ctor.prototype = (meta.model as unknown as { prototype: object }).prototype;
    byColumns.set(key, ctor);
  }
  return ctor;
}

/** One object built from a row: the base model, or a selectRelated one. */
export interface ObjectPlan {
  meta: ModelMeta;
  attnames: string[];
  /** Index of the first column. */
  start: number;
  converters: Converter[];
  /** Index of the parent object in the plan, and the relation it fills. */
  parent: number;
  relation: string;
}

export interface AnnotationPlan {
  name: string;
  index: number;
  converter: Converter;
}

export type Hydrator = (rows: unknown[][], db: unknown, sql: string) => unknown[];

/** Build the function turning driver rows (arrays) into model instances. */
export function modelHydrator(objects: ObjectPlan[], annotations: AnnotationPlan[]): Hydrator {
  const deps: unknown[] = [];
  const dep = (value: unknown): string => {
    deps.push(value);
    return `d[${deps.length - 1}]`;
  };
  const lines: string[] = [];
  const children = new Map<number, ObjectPlan[]>();
  objects.forEach((o, i) => {
    if (i === 0) return;
    const list = children.get(o.parent) ?? [];
    list.push(o);
    children.set(o.parent, list);
  });
  objects.forEach((plan, i) => {
    const ctor = dep(rowConstructor(plan.meta, plan.attnames));
    const args = plan.attnames.map((_, j) => {
      const conv = plan.converters[j];
      const cell = `r[${plan.start + j}]`;
      return conv ? `${dep(conv)}(${cell})` : cell;
    });
    if (i === 0) {
      lines.push(`const o0 = new ${ctor}(${[...args, 'db', 'rs'].join(', ')});`);
    } else {
      // a LEFT JOIN with no match gives NULL primary key: no related object
      const pkIndex = plan.attnames.indexOf(plan.meta.pk.attname);
      lines.push(`const o${i} = r[${plan.start + pkIndex}] === null ? null : new ${ctor}(${[...args, 'db', 'rs'].join(', ')});`);
    }
  });
  objects.forEach((_, i) => {
    const kids = children.get(i);
    if (!kids) return;
    const entries = kids.map((kid) => `${checkName(kid.relation)}: o${objects.indexOf(kid)}`);
    const assign = `o${i}[RELATED] = { ${entries.join(', ')} };`;
    lines.push(i === 0 ? assign : `if (o${i} !== null) ${assign}`);
  });
  for (const a of annotations) {
    const cell = `r[${a.index}]`;
    lines.push(`o0[${checkName(a.name)}] = ${a.converter ? `${dep(a.converter)}(${cell})` : cell};`);
  }
  const source = `return function hydrate(rows, db, sql) {
  const n = rows.length;
  const out = new Array(n);
  const rs = n > 1 ? { size: n, sql, label: label } : undefined;
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    ${lines.join('\n    ')}
    out[i] = o0;
  }
  return out;
};`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function('d', 'RELATED', 'label', source)(deps, RELATED, objects[0]!.meta.label) as Hydrator;
}

/** Rows of `values()`: plain objects with the requested keys. */
export function valuesHydrator(keys: string[], converters: Converter[]): Hydrator {
  const deps = converters;
  const props = keys.map((k, i) => `${checkName(k)}: ${deps[i] ? `d[${i}](r[${i}])` : `r[${i}]`}`);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function('d', `return function hydrate(rows) {
  const n = rows.length;
  const out = new Array(n);
  for (let i = 0; i < n; i++) { const r = rows[i]; out[i] = { ${props.join(', ')} }; }
  return out;
};`)(deps) as Hydrator;
}

/** Rows of `valuesList()`: the driver's arrays, converted in place where needed. */
export function listHydrator(converters: Converter[], flat: boolean): Hydrator {
  const active = converters.map((c, i) => [c, i] as const).filter(([c]) => c !== null) as Array<readonly [(v: unknown) => unknown, number]>;
  if (flat) {
    const conv = converters[0];
    return conv ? (rows) => rows.map((r) => conv(r[0])) : (rows) => rows.map((r) => r[0]);
  }
  if (active.length === 0) return (rows) => rows;
  return (rows) => {
    for (const r of rows) for (const [conv, i] of active) r[i] = conv(r[i]);
    return rows;
  };
}

export type { RowSet };
