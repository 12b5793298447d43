/**
 * Compiles a query description (nodes.ts) to SQL for one dialect, once per
 * query shape. Identifiers come only from the model (every name from the
 * caller is checked against it first); values only ever become placeholders,
 * recorded as "slots" that say which argument each placeholder binds.
 */
import { choicesList, FieldError } from '../errors';
import type { AnyField, Converter, Vendor } from '../fields/base';
import { ForeignKey, ManyToManyField } from '../fields/related';
import { integerParam } from '../fields/scalar';
import type { ModelMeta, ReverseRelation } from '../models/meta';
import { isModelInstance } from '../models/symbols';
import type { AnyModel } from '../models/types';
import type { Dialect, DatePart, PatternLookup, ValuePrep } from './dialect';
import { type AnnotationPlan, type Hydrator, listHydrator, modelHydrator, type ObjectPlan, valuesHydrator } from './hydrate';
import { ALL_LOOKUP_NAMES, LOOKUPS, PATTERN_LOOKUPS, TRANSFORM_LOOKUPS, TRANSFORMS } from './lookups';
import { buildGroup } from './build';
import { type Cond, type ExprNode, type Group, initialState, type OrderItem, type QueryState } from './nodes';
import type { QObject } from './q';

/** One placeholder: which argument it binds (`el` ≥ 0: an element of an array argument) and how to prepare it. */
export interface Slot {
  readonly arg: number;
  readonly el: number;
  readonly prep: ValuePrep;
}

export interface CompiledSql {
  sql: string;
  slots: Slot[];
  hasLimit: boolean;
  hasOffset: boolean;
}

export interface CompiledSelect extends CompiledSql {
  hydrate: Hydrator;
}

const TOKEN_RE = /\u0000(\d+)\u0000/g;
const LIMIT_MARK = '\u0001';
const LIMIT_RE = /\u0001/g;

interface Join {
  alias: string;
  table: string;
  on: string;
  left: boolean;
  /** Order of the filter() call that created it (multi-valued joins are shared per call). */
  seq: number;
  fromFilter: boolean;
}

interface Use {
  seq: number;
  purpose: 'filter' | 'annotation' | 'order' | 'select';
}

/** Where a path ends: a column (with its field) and the lookups after it. */
interface Resolved {
  alias: string;
  field: AnyField;
  lookups: string[];
  /** The path ended at a relation: the field giving the key's type (to convert instances to keys). */
  relationTarget: AnyField | null;
  nullable: boolean;
}

interface CompiledExpr {
  sql: string;
  converter: Converter;
  aggregate: boolean;
  field?: AnyField;
}

const toNumber = (v: unknown): unknown => (typeof v === 'string' && v !== '' && !Number.isNaN(Number(v)) ? Number(v) : v);

class Context {
  slots: Slot[] = [];
  aliases = 0;
}

/** Why joins are not allowed here (UPDATE/DELETE without joins, check constraints). */
export class JoinRequired extends Error {}

export class Compiler {
  readonly meta: ModelMeta;
  readonly vendor: Vendor;
  private readonly q: (name: string) => string;
  private readonly joins: Join[] = [];
  private readonly joinIndex = new Map<string, Join[]>();
  private readonly annotationSql = new Map<string, CompiledExpr>();
  readonly baseAlias: string;

  constructor(
    readonly dialect: Dialect,
    readonly state: QueryState,
    private readonly ctx: Context = new Context(),
    private readonly argBase = 0,
    options: { subquery?: boolean; noJoins?: boolean } = {},
  ) {
    this.meta = state.model._meta;
    this.vendor = dialect.vendor;
    this.q = dialect.quote;
    this.noJoins = options.noJoins ?? false;
    this.baseAlias = options.subquery ? `U${++ctx.aliases}` : this.q(this.meta.dbTable);
    this.isSubquery = options.subquery ?? false;
  }

  private readonly noJoins: boolean;
  private readonly isSubquery: boolean;

  // ------------------------------------------------------------------ params

  private param(arg: number, el: number, prep: ValuePrep): string {
    const index = this.ctx.slots.push({ arg: this.argBase + arg, el, prep }) - 1;
    return `\u0000${index}\u0000`;
  }

  /**
   * Replace placeholder tokens by the dialect's placeholders, in text order;
   * LIMIT/OFFSET markers (always last in the text) come after the slots.
   */
  private finish(text: string, hasLimit: boolean, hasOffset: boolean): CompiledSql {
    const slots: Slot[] = [];
    const all = this.ctx.slots;
    let sql = text.replace(TOKEN_RE, (_, i: string) => {
      slots.push(all[Number(i)]!);
      return this.dialect.placeholder(slots.length);
    });
    let n = slots.length;
    sql = sql.replace(LIMIT_RE, () => this.dialect.placeholder(++n));
    return { sql, slots, hasLimit, hasOffset };
  }

  /** LIMIT/OFFSET as markers for parameters, or inlined (subqueries, where parameters would land out of order). */
  private limitClause(inline: boolean): { sql: string; hasLimit: boolean; hasOffset: boolean } {
    const s = this.state;
    const hasLimit = s.high !== null;
    const hasOffset = s.low > 0;
    if (!inline) return { sql: this.dialect.limitOffset(hasLimit, hasOffset, () => LIMIT_MARK), hasLimit, hasOffset };
    const values = [...(hasLimit ? [String(s.high! - s.low)] : []), ...(hasOffset ? [String(s.low)] : [])];
    return { sql: this.dialect.limitOffset(hasLimit, hasOffset, () => values.shift()!), hasLimit: false, hasOffset: false };
  }

  private lockAlias(name: string): string {
    if (name === 'self') return this.baseAlias;
    const join = this.joinIndex.get(`${this.baseAlias}>${name}`)?.[0];
    if (!join) throw new FieldError(`selectForUpdate({ of }) names ${JSON.stringify(name)}, which is not a relation joined by this query (self, or a selectRelated relation).`);
    return join.alias;
  }

  // ------------------------------------------------------------------ joins

  private join(parentAlias: string, relation: string, table: string, onColumns: [string, string], nullable: boolean, multi: boolean, use: Use): string {
    if (this.noJoins) throw new JoinRequired();
    const key = `${parentAlias}>${relation}`;
    const existing = this.joinIndex.get(key) ?? [];
    let found: Join | undefined;
    if (!multi) found = existing[0];
    else if (use.purpose === 'filter') found = existing.find((j) => j.fromFilter && j.seq === use.seq);
    else {
      // annotations and ordering share the joins of the filters before them (Django's semantics)
      found = existing.filter((j) => j.fromFilter && j.seq < use.seq).pop() ?? existing.find((j) => !j.fromFilter);
    }
    if (found) return found.alias;
    // aliases are ours (T1, T2…): safe unquoted
    const alias = `T${++this.ctx.aliases}`;
    const parentJoin = this.joins.find((j) => j.alias === parentAlias);
    const join: Join = {
      alias,
      table,
      on: `${alias}.${this.q(onColumns[0])} = ${parentAlias}.${this.q(onColumns[1])}`,
      left: nullable || multi || (parentJoin?.left ?? false),
      seq: use.seq,
      fromFilter: use.purpose === 'filter',
    };
    this.joins.push(join);
    existing.push(join);
    this.joinIndex.set(key, existing);
    return alias;
  }

  private joinSql(): string {
    return this.joins.map((j) => ` ${j.left ? 'LEFT OUTER' : 'INNER'} JOIN ${this.q(j.table)} ${j.alias} ON (${j.on})`).join('');
  }

  private isLeft(alias: string): boolean {
    return this.joins.some((j) => j.alias === alias && j.left);
  }

  // ------------------------------------------------------------------ paths

  private noSuchField(meta: ModelMeta, name: string, annotations: boolean): never {
    const names = [...meta.lookupNames(), ...(annotations ? this.state.annotations.map((a) => a.name) : [])];
    throw new FieldError(`Cannot resolve keyword ${JSON.stringify(name)} into field of ${meta.label}. ${choicesList(names)}`);
  }

  /** True when `part` can only be a lookup here (no field of `meta` has that name). */
  private isLookupHere(meta: ModelMeta, part: string | undefined): boolean {
    return part === undefined || (ALL_LOOKUP_NAMES.has(part) && !meta.fieldMap.has(part) && !meta.reverseMap.has(part));
  }

  /** Resolve `a__b__c__lookup` to a column, joining tables on the way. */
  resolve(path: string, use: Use): Resolved {
    const parts = path.split('__');
    let meta = this.meta;
    let alias = this.baseAlias;
    let nullable = false;
    for (let i = 0; i < parts.length; i++) {
      let name = parts[i]!;
      if (name === 'pk') name = meta.pk.name;
      const rest = parts.slice(i + 1);
      const field = meta.fieldMap.get(name);
      if (field && !field.isRelation) return { alias, field, lookups: rest, relationTarget: null, nullable: nullable || this.isLeft(alias) };
      if (field instanceof ForeignKey) {
        const target = field.relatedModel._meta;
        const next = rest[0];
        const targetField = field.targetField;
        const trimmed = next !== undefined && (next === targetField.name || (next === 'pk' && targetField.primaryKey)) && this.isLookupHere(target, rest[1]);
        if (this.isLookupHere(target, next) || trimmed) {
          return { alias, field, lookups: trimmed ? rest.slice(1) : rest, relationTarget: targetField, nullable: nullable || field.null };
        }
        alias = this.join(alias, name, target.dbTable, [targetField.column, field.column], field.null, false, use);
        nullable ||= field.null;
        meta = target;
        continue;
      }
      if (field instanceof ManyToManyField) {
        const through = field.throughModel!._meta;
        const source = field.sourceFk!;
        const targetFk = field.targetFk!;
        const throughAlias = this.join(alias, name, through.dbTable, [source.column, source.targetField.column], true, true, use);
        const target = field.relatedModel._meta;
        const next = rest[0];
        const trimmed = next !== undefined && (next === targetFk.targetField.name || next === 'pk') && this.isLookupHere(target, rest[1]);
        if (this.isLookupHere(target, next) || trimmed) {
          return { alias: throughAlias, field: targetFk, lookups: trimmed ? rest.slice(1) : rest, relationTarget: targetFk.targetField, nullable: true };
        }
        alias = this.join(throughAlias, targetFk.name, target.dbTable, [targetFk.targetField.column, targetFk.column], true, false, use);
        nullable = true;
        meta = target;
        continue;
      }
      const reverse = meta.reverseMap.get(name);
      if (reverse) {
        const step = this.reverseStep(alias, name, reverse, rest, use);
        if ('resolved' in step) return step.resolved;
        alias = step.alias;
        meta = step.meta;
        nullable = true;
        continue;
      }
      if (i === 0 && this.state.annotations.some((a) => a.name === name)) {
        throw new FieldError(`${JSON.stringify(name)} is an annotation; it cannot be followed by ${JSON.stringify(rest.join('__'))} here.`);
      }
      this.noSuchField(meta, name, i === 0);
    }
    throw new FieldError(`Cannot resolve ${JSON.stringify(path)} into a field of ${this.meta.label}.`);
  }

  private reverseStep(alias: string, name: string, reverse: ReverseRelation, rest: string[], use: Use): { resolved: Resolved } | { alias: string; meta: ModelMeta } {
    const related = reverse.relatedModel._meta;
    const next = rest[0];
    if (reverse.field instanceof ForeignKey) {
      const fk = reverse.field;
      const relAlias = this.join(alias, name, related.dbTable, [fk.column, fk.targetField.column], true, reverse.kind === 'fk', use);
      if (this.isLookupHere(related, next)) return { resolved: { alias: relAlias, field: related.pk, lookups: rest, relationTarget: related.pk, nullable: true } };
      return { alias: relAlias, meta: related };
    }
    const m2m = reverse.field;
    const through = m2m.throughModel!._meta;
    const source = m2m.sourceFk!;
    const targetFk = m2m.targetFk!;
    const throughAlias = this.join(alias, name, through.dbTable, [targetFk.column, targetFk.targetField.column], true, true, use);
    if (this.isLookupHere(related, next)) return { resolved: { alias: throughAlias, field: source, lookups: rest, relationTarget: source.targetField, nullable: true } };
    const relAlias = this.join(throughAlias, source.name, related.dbTable, [source.targetField.column, source.column], true, false, use);
    return { alias: relAlias, meta: related };
  }

  /** Index of the first multi-valued hop of a path (reverse FK, many-to-many), or -1. */
  private firstMultiHop(parts: string[]): { index: number; meta: ModelMeta } | undefined {
    let meta = this.meta;
    for (let i = 0; i < parts.length; i++) {
      const name = parts[i] === 'pk' ? meta.pk.name : parts[i]!;
      const field = meta.fieldMap.get(name);
      if (field instanceof ForeignKey) {
        if (this.isLookupHere(field.relatedModel._meta, parts[i + 1])) return undefined;
        meta = field.relatedModel._meta;
        continue;
      }
      if (field instanceof ManyToManyField) return { index: i, meta };
      if (field) return undefined;
      const reverse = meta.reverseMap.get(name);
      if (!reverse) return undefined;
      if (reverse.kind !== 'o2o') return { index: i, meta };
      meta = reverse.relatedModel._meta;
    }
    return undefined;
  }

  // ------------------------------------------------------------------ conditions

  private compileGroup(group: Group, negated: boolean, seq: number, purpose: Use['purpose'] = 'filter'): string {
    const neg = negated !== group.neg;
    const parts: string[] = [];
    for (const child of group.children) {
      const sql = child.t === 'c' ? this.compileCond(child, neg, group.seq || seq, purpose) : this.compileGroup(child, neg, group.seq || seq, purpose);
      if (sql) parts.push(sql);
    }
    if (parts.length === 0) return '';
    const joined = parts.length === 1 ? parts[0]! : `(${parts.join(` ${group.conn} `)})`;
    return group.neg ? `NOT ${parts.length === 1 ? `(${joined})` : joined}` : joined;
  }

  private compileCond(cond: Cond, negated: boolean, seq: number, purpose: Use['purpose'] = 'filter'): string {
    const use: Use = { seq, purpose };
    const parts = cond.key.split('__');
    const annotation = this.state.annotations.find((a) => a.name === parts[0]);
    if (annotation && !this.meta.fieldMap.has(parts[0]!)) return this.annotationCond(cond, parts.slice(1));
    if (negated && !this.noJoins) {
      const multi = this.firstMultiHop(parts);
      if (multi) return this.splitExclude(cond, parts, multi.index, use);
    }
    const resolved = this.resolve(cond.key, use);
    return this.lookupSql(cond, resolved, negated);
  }

  /** Split lookups into an optional date transform and the final lookup, validating both. */
  private splitLookups(resolved: Resolved, key: string): { transform: DatePart | null; lookup: string } {
    const field = resolved.field;
    const kind = resolved.relationTarget ? 'relation' : field.lookupKind;
    const [first, second, ...extra] = resolved.lookups;
    const transforms = TRANSFORMS[kind];
    if (first !== undefined && transforms?.has(first as DatePart)) {
      const lookup = second ?? 'exact';
      if (!TRANSFORM_LOOKUPS.has(lookup) || extra.length) {
        throw new FieldError(`Unsupported lookup ${JSON.stringify(resolved.lookups.slice(1).join('__'))} after ${first} in ${JSON.stringify(key)}. ${choicesList(TRANSFORM_LOOKUPS)}`);
      }
      return { transform: first as DatePart, lookup };
    }
    const lookup = first ?? 'exact';
    const valid = LOOKUPS[kind];
    if (!valid.has(lookup) || second !== undefined) {
      const where = resolved.relationTarget ? `relation ${field.name}` : `${field.type} ${field.meta.label}.${field.name}`;
      throw new FieldError(`Unsupported lookup ${JSON.stringify(resolved.lookups.join('__'))} for ${where} in ${JSON.stringify(key)}. ${choicesList([...valid, ...(transforms ?? [])])}`);
    }
    return { transform: null, lookup };
  }

  /** How a value bound against this column is converted for the driver. */
  private valuePrep(resolved: Resolved): ValuePrep {
    const target = resolved.relationTarget;
    if (target) {
      const toDb = target.toDb(this.vendor);
      const attname = target.attname;
      return (v) => {
        const key = isModelInstance(v) ? v[attname] : v;
        return toDb && key !== null && key !== undefined ? toDb(key) : key;
      };
    }
    return resolved.field.toDb(this.vendor);
  }

  private lookupSql(cond: Cond, resolved: Resolved, negated: boolean): string {
    const { transform, lookup } = this.splitLookups(resolved, cond.key);
    let lhs = `${resolved.alias}.${this.q(resolved.field.column)}`;
    let prep: ValuePrep = this.valuePrep(resolved);
    const isText = resolved.field.lookupKind === 'string' && !resolved.relationTarget;
    if (transform) {
      lhs = this.dialect.datePart(transform, lhs, resolved.field.lookupKind === 'datetime');
      prep = transform === 'date' ? datePrep(resolved.field) : partPrep(resolved.field, transform);
    }
    const sql = this.lookupCondition(cond, lhs, lookup, prep, isText);
    // NOT (x = 1) is unknown, not true, where x is NULL: Django's exclude() keeps those rows
    if (negated && lookup !== 'isnull' && (resolved.field.null || resolved.nullable) && cond.kind !== 'n') return `(${sql} AND ${lhs} IS NOT NULL)`;
    return sql;
  }

  private lookupCondition(cond: Cond, lhs: string, lookup: string, prep: ValuePrep, isText: boolean): string {
    const d = this.dialect;
    const wrongValue = (expected: string): never => {
      throw new FieldError(`The ${lookup} lookup in ${JSON.stringify(cond.key)} needs ${expected}.`);
    };
    if (lookup === 'isnull') {
      if (cond.kind !== 'b') wrongValue('true or false');
      return `${lhs} IS ${cond.bool ? '' : 'NOT '}NULL`;
    }
    if (cond.kind === 'n') {
      if (lookup !== 'exact' && lookup !== 'iexact') wrongValue('a value, not null (use __isnull to match NULL)');
      return `${lhs} IS NULL`;
    }
    if (lookup === 'in') {
      if (cond.kind === 's') return `${lhs} IN (${this.subquerySql(cond)})`;
      if (cond.kind !== 'a') wrongValue('an array or a QuerySet');
      if (d.arrayParam) {
        const element = prep;
        return `${lhs} = ANY(${this.param(cond.arg, -1, (v) => (v as unknown[]).map((x) => (element && x !== null ? element(x) : x)))})`;
      }
      if (cond.n === 0) return '1 = 0';
      const placeholders: string[] = [];
      for (let i = 0; i < cond.n; i++) placeholders.push(this.param(cond.arg, i, prep));
      return `${lhs} IN (${placeholders.join(', ')})`;
    }
    if (lookup === 'range') {
      if (cond.kind !== 'a' || cond.n !== 2) wrongValue('an array of two values [low, high]');
      return `${lhs} BETWEEN ${this.param(cond.arg, 0, prep)} AND ${this.param(cond.arg, 1, prep)}`;
    }
    if (cond.kind === 'a' || cond.kind === 's' || cond.kind === 'b') {
      if (!(cond.kind === 'a' && lookup === 'exact')) wrongValue('a single value');
    }
    if (lookup === 'regex' || lookup === 'iregex') {
      if (cond.kind !== 'v') wrongValue('a pattern string');
      return d.regex(lhs, this.param(cond.arg, -1, (v) => String(v)), lookup === 'iregex');
    }
    if (PATTERN_LOOKUPS.has(lookup)) {
      if (cond.kind === 'e') {
        if (lookup !== 'iexact') wrongValue('a string value (F() expressions are not supported in pattern lookups)');
        return d.compare(lookup, lhs, this.expr(cond.expr!, { seq: 0, purpose: 'filter' }).sql, isText).replace(/ ESCAPE '\\'$/, '');
      }
      return d.compare(lookup, lhs, this.param(cond.arg, -1, d.patternPrep(lookup as PatternLookup)), isText);
    }
    const rhs = cond.kind === 'e' ? this.expr(cond.expr!, { seq: 0, purpose: 'filter' }).sql : this.param(cond.arg, -1, prep);
    return d.compare(lookup, lhs, rhs, isText);
  }

  /** A condition on an annotation (`numArticles__gt: 3`). */
  private annotationCond(cond: Cond, lookups: string[]): string {
    const name = cond.key.split('__')[0]!;
    const compiled = this.annotation(name);
    const lookup = lookups[0] ?? 'exact';
    if (lookups.length > 1 || !LOOKUPS.number.has(lookup) && !LOOKUPS.string.has(lookup)) {
      throw new FieldError(`Unsupported lookup ${JSON.stringify(lookups.join('__'))} on annotation ${JSON.stringify(name)}. ${choicesList(LOOKUPS.number)}`);
    }
    return this.lookupCondition(cond, compiled.sql, lookup, null, false);
  }

  /**
   * A negated condition across a multi-valued relation becomes
   * `key NOT IN (SELECT …)`, so "exclude articles tagged x" drops every
   * article having that tag, not just the joined rows (Django's split_exclude).
   */
  private splitExclude(cond: Cond, parts: string[], index: number, use: Use): string {
    let alias = this.baseAlias;
    let meta = this.meta;
    for (let i = 0; i < index; i++) {
      const name = parts[i] === 'pk' ? meta.pk.name : parts[i]!;
      const field = meta.fieldMap.get(name);
      if (field instanceof ForeignKey) {
        alias = this.join(alias, name, field.relatedModel._meta.dbTable, [field.targetField.column, field.column], field.null, false, use);
        meta = field.relatedModel._meta;
      } else {
        const reverse = meta.reverseMap.get(name)!;
        const fk = reverse.field as ForeignKey;
        alias = this.join(alias, name, reverse.relatedModel._meta.dbTable, [fk.column, fk.targetField.column], true, false, use);
        meta = reverse.relatedModel._meta;
      }
    }
    const name = parts[index] === 'pk' ? meta.pk.name : parts[index]!;
    const rest = parts.slice(index + 1);
    const field = meta.fieldMap.get(name);
    let subModel: AnyModel;
    let subPath: string;
    let selectField: AnyField;
    let outerColumn: string;
    if (field instanceof ManyToManyField) {
      subModel = field.throughModel!;
      subPath = [field.targetFk!.name, ...rest].join('__');
      selectField = field.sourceFk!;
      outerColumn = field.sourceFk!.targetField.column;
    } else {
      const reverse = meta.reverseMap.get(name)!;
      if (reverse.field instanceof ManyToManyField) {
        subModel = reverse.field.throughModel!;
        subPath = [reverse.field.sourceFk!.name, ...rest].join('__');
        selectField = reverse.field.targetFk!;
        outerColumn = reverse.field.targetFk!.targetField.column;
      } else {
        subModel = reverse.relatedModel;
        const related = subModel._meta;
        subPath = (this.isLookupHere(related, rest[0]) ? [related.pk.name, ...rest] : rest).join('__');
        selectField = reverse.field;
        outerColumn = reverse.field.targetField.column;
      }
    }
    const sub = new Compiler(this.dialect, { ...this.state, model: subModel, annotations: [], where: null }, this.ctx, this.argBase, { subquery: true });
    const inner = sub.compileCond({ ...cond, key: subPath }, false, 1);
    const column = `${sub.baseAlias}.${this.q(selectField.column)}`;
    const subSql = `SELECT ${column} FROM ${this.q(subModel._meta.dbTable)} ${sub.baseAlias}${sub.joinSql()} WHERE ${inner} AND ${column} IS NOT NULL`;
    return `${alias}.${this.q(outerColumn)} IN (${subSql})`;
  }

  /** `field__in: queryset` → the subquery's SQL (its pk, or its single values() column). */
  private subquerySql(cond: Cond): string {
    const sub = cond.sub!;
    const compiler = new Compiler(this.dialect, sub, this.ctx, this.argBase + cond.subBase!, { subquery: true });
    return compiler.selectSql();
  }

  // ------------------------------------------------------------------ expressions

  private annotation(name: string): CompiledExpr {
    const done = this.annotationSql.get(name);
    if (done) return done;
    const annotation = this.state.annotations.find((a) => a.name === name);
    if (!annotation) this.noSuchField(this.meta, name, true);
    // a placeholder entry makes a self-reference fail instead of recursing
    this.annotationSql.set(name, { sql: 'NULL', converter: null, aggregate: false });
    const compiled = this.expr(annotation.node, { seq: annotation.seq, purpose: 'annotation' });
    this.annotationSql.set(name, compiled);
    return compiled;
  }

  expr(node: ExprNode, use: Use): CompiledExpr {
    switch (node.t) {
      case 'v':
        return { sql: this.param(node.arg, -1, genericPrep(this.vendor)), converter: null, aggregate: false };
      case 'f': {
        const first = node.path.split('__')[0]!;
        if (!this.meta.fieldMap.has(first) && !this.meta.reverseMap.has(first) && first !== 'pk' && this.state.annotations.some((a) => a.name === first)) {
          if (first !== node.path) throw new FieldError(`F(${JSON.stringify(node.path)}): an annotation cannot be followed by lookups.`);
          return this.annotation(first);
        }
        const resolved = this.resolve(node.path, use);
        let sql = `${resolved.alias}.${this.q(resolved.field.column)}`;
        const field = resolved.field;
        if (resolved.lookups.length) {
          const [transform, ...more] = resolved.lookups;
          if (!TRANSFORMS[field.lookupKind]?.has(transform as DatePart) || more.length) {
            throw new FieldError(`F(${JSON.stringify(node.path)}): ${JSON.stringify(resolved.lookups.join('__'))} is not a field or a date part of ${field}.`);
          }
          sql = this.dialect.datePart(transform as DatePart, sql, field.lookupKind === 'datetime');
          return { sql, converter: transform === 'date' ? dateToString : toNumber, aggregate: false };
        }
        const target = resolved.relationTarget ?? field;
        return { sql, converter: target.fromDb(this.vendor, this.dialect.mariadb), aggregate: false, field: target };
      }
      case 'o': {
        const l = this.expr(node.l, use);
        const r = this.expr(node.r, use);
        return { sql: `(${l.sql} ${node.op} ${r.sql})`, converter: toNumber, aggregate: l.aggregate || r.aggregate };
      }
      case 'fn': {
        const args = node.args.map((a) => this.expr(a, use));
        const name = node.fn === 'LENGTH' && this.vendor === 'mysql' ? 'CHAR_LENGTH' : node.fn;
        const converter = node.fn === 'LENGTH' || node.fn === 'ABS' ? toNumber : node.fn === 'COALESCE' ? (args[0]?.converter ?? null) : null;
        return { sql: `${name}(${args.map((a) => a.sql).join(', ')})`, converter, aggregate: args.some((a) => a.aggregate) };
      }
      case 'a': {
        const src = node.src ? this.expr(node.src, use) : null;
        if (src?.aggregate) throw new FieldError(`Cannot compute ${node.fn}() of an aggregate.`);
        let inner = src ? src.sql : '*';
        if (node.filter) {
          // the aggregate's own filter shares its joins (Count('posts', { filter: Q({ posts__score__gte: 5 }) }))
          const condition = this.compileGroup(node.filter, false, use.seq, use.purpose);
          inner = `CASE WHEN ${condition || '1 = 1'} THEN ${src ? src.sql : '1'} ELSE NULL END`;
        }
        const sql = node.fn === 'AVG' ? this.dialect.avg(inner, node.distinct) : `${node.fn}(${node.distinct ? 'DISTINCT ' : ''}${inner})`;
        let converter: Converter = toNumber;
        if ((node.fn === 'MIN' || node.fn === 'MAX') && src) converter = src.converter;
        if (node.fn === 'SUM' && src?.field?.lookupKind === 'decimal') converter = src.converter ?? ((v: unknown) => (v === null ? null : String(v)));
        if (node.fn === 'COUNT') converter = (v: unknown) => Number(v);
        return { sql, converter, aggregate: true };
      }
    }
  }


  // ------------------------------------------------------------------ select

  private whereAndHaving(): { where: string; having: string } {
    const root = this.state.where;
    if (!root) return { where: '', having: '' };
    const whereParts: string[] = [];
    const havingParts: string[] = [];
    for (const child of root.children) {
      const aggregate = this.refersToAggregate(child);
      const sql = child.t === 'c' ? this.compileCond(child, false, root.seq) : this.compileGroup(child, false, root.seq);
      if (sql) (aggregate ? havingParts : whereParts).push(sql);
    }
    return { where: whereParts.join(' AND '), having: havingParts.join(' AND ') };
  }

  private refersToAggregate(node: Cond | Group): boolean {
    if (node.t === 'g') return node.children.some((c) => this.refersToAggregate(c));
    const first = node.key.split('__')[0]!;
    if (this.meta.fieldMap.has(first) || this.meta.reverseMap.has(first)) return false;
    return this.state.annotations.some((a) => a.name === first && a.aggregate);
  }

  private orderItems(defaultOrdering: boolean): Array<{ sql: string; desc: boolean; nulls?: 'first' | 'last'; aggregate: boolean }> {
    const s = this.state;
    const items = s.order ?? (defaultOrdering ? this.meta.ordering.map(orderingToItem) : []);
    return items.map((item, i) => {
      if (item.node === 'random') return { sql: this.dialect.random, desc: false, aggregate: false };
      const compiled = this.expr(item.node, { seq: s.seq + 1 + i, purpose: 'order' });
      return { sql: compiled.sql, desc: item.desc, nulls: item.nulls, aggregate: compiled.aggregate };
    });
  }

  private orderSql(items: Array<{ sql: string; desc: boolean; nulls?: 'first' | 'last' }>): string {
    if (!items.length) return '';
    const parts = items.map(({ sql, desc, nulls }) => {
      const direction = desc ? ' DESC' : ' ASC';
      if (!nulls) return sql + direction;
      // MySQL has no NULLS FIRST/LAST: sort on IS NULL first
      if (this.vendor === 'mysql') return `(${sql} IS NULL) ${nulls === 'last' ? 'ASC' : 'DESC'}, ${sql}${direction}`;
      return `${sql}${direction} NULLS ${nulls.toUpperCase()}`;
    });
    return ` ORDER BY ${parts.join(', ')}`;
  }

  /** Concrete fields loaded for the base model, honouring only()/defer(). */
  private loadedFields(meta: ModelMeta, prefix: string): AnyField[] {
    const { only, defer } = this.state;
    const names = (list: readonly string[]) => new Set(list.filter((p) => (prefix ? p.startsWith(`${prefix}__`) : !p.includes('__'))).map((p) => (prefix ? p.slice(prefix.length + 2) : p)));
    for (const name of [...(only ?? []), ...defer]) {
      const [head, ...rest] = name.split('__');
      if (!prefix && rest.length === 0) meta.getField(head === 'pk' ? meta.pk.name : head!);
    }
    const onlySet = only ? names(only) : null;
    const deferSet = names(defer);
    return meta.concreteFields.filter((f) => {
      if (f.primaryKey) return true;
      if (onlySet && onlySet.size && !onlySet.has(f.name) && !onlySet.has(f.attname)) return false;
      return !deferSet.has(f.name) && !deferSet.has(f.attname);
    });
  }

  /** selectRelated paths → joins and object plans. */
  private relatedPlans(start: number, columns: string[], groupBy: string[]): ObjectPlan[] {
    const plans: ObjectPlan[] = [];
    let related = [...this.state.related];
    if (related.length === 1 && related[0] === '*') related = this.meta.foreignKeys.filter((f) => !f.null).map((f) => f.name);
    const expanded = new Set<string>();
    for (const path of related) {
      const parts = path.split('__');
      for (let i = 1; i <= parts.length; i++) expanded.add(parts.slice(0, i).join('__'));
    }
    const aliasOf = new Map<string, { alias: string; meta: ModelMeta; index: number }>([['', { alias: this.baseAlias, meta: this.meta, index: 0 }]]);
    let next = start;
    for (const path of [...expanded].sort((a, b) => a.split('__').length - b.split('__').length)) {
      const parts = path.split('__');
      const parentPath = parts.slice(0, -1).join('__');
      const parent = aliasOf.get(parentPath)!;
      const name = parts[parts.length - 1]!;
      const field = parent.meta.fieldMap.get(name);
      const reverse = parent.meta.reverseMap.get(name);
      let alias: string;
      let meta: ModelMeta;
      const use: Use = { seq: 0, purpose: 'select' };
      if (field instanceof ForeignKey) {
        meta = field.relatedModel._meta;
        alias = this.join(parent.alias, name, meta.dbTable, [field.targetField.column, field.column], field.null, false, use);
      } else if (reverse && reverse.kind === 'o2o') {
        const fk = reverse.field as ForeignKey;
        meta = reverse.relatedModel._meta;
        alias = this.join(parent.alias, name, meta.dbTable, [fk.column, fk.targetField.column], true, false, use);
      } else {
        const choices = [...parent.meta.foreignKeys.map((f) => f.name), ...parent.meta.relatedObjects.filter((r) => r.kind === 'o2o').map((r) => r.queryName)];
        throw new FieldError(`Invalid field name ${JSON.stringify(path)} in selectRelated(): it must be a foreign key or one-to-one relation. ${choicesList(choices)}`);
      }
      const fields = meta.concreteFields;
      for (const f of fields) {
        const col = `${alias}.${this.q(f.column)}`;
        columns.push(col);
        groupBy.push(col);
      }
      plans.push({
        meta,
        attnames: fields.map((f) => f.attname),
        start: next,
        converters: fields.map((f) => f.fromDb(this.vendor, this.dialect.mariadb)),
        parent: parent.index,
        relation: name,
      });
      next += fields.length;
      aliasOf.set(path, { alias, meta, index: plans.length });
    }
    return plans;
  }

  /** The SELECT of this query: rows of model instances or values, ready to hydrate. */
  compileSelect(): CompiledSelect {
    const s = this.state;
    let hydrate: Hydrator;
    const build = this.selectParts();
    if (s.values) {
      if (s.values.kind === 'dict') hydrate = valuesHydrator(build.keys, build.converters);
      else hydrate = listHydrator(build.converters, s.values.kind === 'flat');
    } else {
      hydrate = modelHydrator(build.objects, build.annotationPlans);
    }
    const assembled = this.assemble(build, { inlineLimit: false });
    const lock = s.forUpdate ? this.dialect.forUpdate({ ...s.forUpdate, of: s.forUpdate.of?.map((name) => this.lockAlias(name)) }) : '';
    return { ...this.finish(assembled.text + lock, assembled.hasLimit, assembled.hasOffset), hydrate };
  }

  /** SQL of this query used inside another one (`field__in: queryset`). */
  selectSql(): string {
    const s = this.state;
    const sliced = s.high !== null || s.low > 0;
    if (!s.values) {
      const build = this.selectParts({ columnsOverride: [`${this.baseAlias}.${this.q(this.meta.pk.column)}`] });
      return this.assemble(build, { inlineLimit: true, noOrder: !sliced }).text;
    }
    if (s.values.fields.length !== 1) {
      throw new FieldError(`A subquery used as a value must select one column: use valuesList('field', { flat: true }); got ${s.values.fields.length || 'every'} fields.`);
    }
    return this.assemble(this.selectParts(), { inlineLimit: true, noOrder: !sliced }).text;
  }

  private selectParts(options: { columnsOverride?: string[] } = {}): SelectParts {
    const s = this.state;
    const { where, having } = this.whereAndHaving();
    const columns: string[] = [];
    const groupBy: string[] = [];
    const keys: string[] = [];
    const converters: Converter[] = [];
    let objects: ObjectPlan[] = [];
    const annotationPlans: AnnotationPlan[] = [];
    let aggregate = false;
    for (const a of s.annotations) if (this.annotation(a.name).aggregate) aggregate = true;
    if (options.columnsOverride) {
      columns.push(...options.columnsOverride);
      groupBy.push(...options.columnsOverride);
    } else if (s.values) {
      const names = s.values.fields.length ? s.values.fields : [...this.meta.concreteFields.map((f) => f.attname), ...s.annotations.map((a) => a.name)];
      for (const name of names) {
        const compiled = this.expr({ t: 'f', path: name }, { seq: s.seq + 1, purpose: 'select' });
        columns.push(compiled.sql);
        if (!compiled.aggregate) groupBy.push(compiled.sql);
        keys.push(name);
        converters.push(compiled.converter);
      }
    } else {
      const fields = this.loadedFields(this.meta, '');
      for (const f of fields) {
        const col = `${this.baseAlias}.${this.q(f.column)}`;
        columns.push(col);
        groupBy.push(col);
      }
      objects = [
        { meta: this.meta, attnames: fields.map((f) => f.attname), start: 0, converters: fields.map((f) => f.fromDb(this.vendor, this.dialect.mariadb)), parent: -1, relation: '' },
        ...this.relatedPlans(fields.length, columns, groupBy),
      ];
      for (const a of s.annotations) {
        const compiled = this.annotation(a.name);
        annotationPlans.push({ name: a.name, index: columns.length, converter: compiled.converter });
        columns.push(compiled.sql);
        if (!compiled.aggregate) groupBy.push(compiled.sql);
      }
    }
    return { columns, groupBy, keys, converters, objects, annotationPlans, aggregate, where, having };
  }

  private assemble(build: SelectParts, options: { inlineLimit: boolean; noOrder?: boolean }): { text: string; hasLimit: boolean; hasOffset: boolean } {
    const s = this.state;
    const order = options.noOrder ? [] : this.orderItems(true);
    const columns = [...build.columns];
    if (s.distinct) {
      // SELECT DISTINCT needs its ORDER BY expressions in the select list (PostgreSQL)
      for (const item of order) if (!columns.includes(item.sql) && item.sql !== this.dialect.random) columns.push(item.sql);
    }
    const grouped = build.aggregate || build.having !== '';
    const groupBy = grouped ? [...new Set([...build.groupBy, ...order.filter((o) => !o.aggregate && o.sql !== this.dialect.random).map((o) => o.sql)])] : [];
    let text = `SELECT ${s.distinct ? 'DISTINCT ' : ''}${columns.join(', ')} FROM ${this.q(this.meta.dbTable)}${this.isSubquery ? ` ${this.baseAlias}` : ''}${this.joinSql()}`;
    if (build.where) text += ` WHERE ${build.where}`;
    if (groupBy.length) text += ` GROUP BY ${groupBy.join(', ')}`;
    if (build.having) text += ` HAVING ${build.having}`;
    text += this.orderSql(order);
    const limit = this.limitClause(options.inlineLimit);
    return { text: text + limit.sql, hasLimit: limit.hasLimit, hasOffset: limit.hasOffset };
  }

  private get grouped(): boolean {
    return this.state.annotations.some((a) => this.annotation(a.name).aggregate);
  }

  /** `SELECT COUNT(*)`, wrapping the query when DISTINCT, LIMIT or GROUP BY would change the count. */
  compileCount(): CompiledSql {
    const s = this.state;
    if (!s.distinct && s.low === 0 && s.high === null && !this.grouped) {
      const { where } = this.whereAndHaving();
      return this.finish(`SELECT COUNT(*) FROM ${this.q(this.meta.dbTable)}${this.joinSql()}${where ? ` WHERE ${where}` : ''}`, false, false);
    }
    const inner = this.assemble(this.selectParts(), { inlineLimit: false, noOrder: s.low === 0 && s.high === null });
    return this.finish(`SELECT COUNT(*) FROM (${inner.text}) subquery`, inner.hasLimit, inner.hasOffset);
  }

  /** `SELECT 1 … LIMIT 1`. */
  compileExists(): CompiledSql {
    const s = this.state;
    const one = this.dialect.limitOffset(true, false, () => '1');
    if (!s.distinct && s.low === 0 && s.high === null && !this.grouped) {
      const { where } = this.whereAndHaving();
      return this.finish(`SELECT 1 AS a FROM ${this.q(this.meta.dbTable)}${this.joinSql()}${where ? ` WHERE ${where}` : ''}${one}`, false, false);
    }
    const inner = this.assemble(this.selectParts(), { inlineLimit: true, noOrder: s.low === 0 && s.high === null });
    return this.finish(`SELECT 1 AS a FROM (${inner.text}) subquery${one}`, false, false);
  }

  /** `aggregate({ name: Sum('x') })`: one row of named aggregates. */
  compileAggregate(aggregates: Array<{ name: string; node: ExprNode }>): CompiledSql & { converters: Converter[] } {
    const s = this.state;
    const converters: Converter[] = [];
    if (!s.distinct && s.low === 0 && s.high === null && !this.grouped) {
      const { where } = this.whereAndHaving();
      const columns = aggregates.map(({ name, node }) => {
        const compiled = this.expr(node, { seq: s.seq + 1, purpose: 'annotation' });
        if (!compiled.aggregate) throw new FieldError(`aggregate(): ${JSON.stringify(name)} is not an aggregate (use Count, Sum, Avg, Min, Max).`);
        converters.push(compiled.converter);
        return `${compiled.sql} AS ${this.q(name)}`;
      });
      return { ...this.finish(`SELECT ${columns.join(', ')} FROM ${this.q(this.meta.dbTable)}${this.joinSql()}${where ? ` WHERE ${where}` : ''}`, false, false), converters };
    }
    // over the rows of a sliced, distinct or grouped query: SELECT SUM(subquery.x) FROM (…) subquery
    const build = this.selectParts({ columnsOverride: [] });
    const sources = new Map<string, string>();
    const outer: string[] = [];
    for (const { name, node } of aggregates) {
      if (node.t !== 'a' || (node.src !== null && node.src.t !== 'f') || node.filter) {
        throw new FieldError(`aggregate() over a sliced, distinct or annotated query takes Count/Sum/Avg/Min/Max of a field or annotation; ${JSON.stringify(name)} is not one.`);
      }
      let column = '*';
      let converter: Converter = toNumber;
      if (node.src) {
        const path = node.src.path;
        const compiled = this.expr(node.src, { seq: s.seq + 1, purpose: 'select' });
        if (!sources.has(path)) {
          sources.set(path, `col${sources.size}`);
          build.columns.push(`${compiled.sql} AS ${this.q(sources.get(path)!)}`);
          if (!compiled.aggregate) build.groupBy.push(compiled.sql);
        }
        column = `subquery.${this.q(sources.get(path)!)}`;
        if (node.fn === 'MIN' || node.fn === 'MAX') converter = compiled.converter;
      }
      const sql = node.fn === 'AVG' ? this.dialect.avg(column, node.distinct) : `${node.fn}(${node.distinct ? 'DISTINCT ' : ''}${column})`;
      outer.push(`${sql} AS ${this.q(name)}`);
      converters.push(converter);
    }
    const pkColumn = `${this.baseAlias}.${this.q(this.meta.pk.column)}`;
    if (!build.columns.length) build.columns.push(pkColumn);
    // one inner row per object when aggregating over aggregate annotations
    if (build.aggregate) build.groupBy.unshift(pkColumn);
    // the ordering decides which rows a slice keeps
    const inner = this.assemble(build, { inlineLimit: false, noOrder: s.low === 0 && s.high === null });
    return { ...this.finish(`SELECT ${outer.join(', ')} FROM (${inner.text}) subquery`, inner.hasLimit, inner.hasOffset), converters };
  }

  /** The WHERE clause alone against the bare table (UPDATE/DELETE); throws JoinRequired when a join is needed. */
  compileBareWhere(): { where: string } {
    const { where, having } = this.whereAndHaving();
    if (having) throw new FieldError('update()/delete() cannot filter on an aggregate annotation.');
    // UPDATE/DELETE take no joins portably: the caller falls back to matching primary keys
    if (this.joins.length) throw new JoinRequired();
    return { where };
  }

  /** `UPDATE table SET … WHERE …` with values as slots. */
  compileUpdate(assignments: Array<{ field: AnyField; value: { arg: number } | { expr: ExprNode } }>): CompiledSql {
    const sets = assignments.map(({ field, value }) => {
      const rhs = 'arg' in value ? this.param(value.arg, -1, nullSafe(field.toDb(this.vendor))) : this.expr(value.expr, { seq: 0, purpose: 'filter' }).sql;
      return `${this.q(field.column)} = ${rhs}`;
    });
    const { where } = this.compileBareWhere();
    return this.finish(`UPDATE ${this.q(this.meta.dbTable)} SET ${sets.join(', ')}${where ? ` WHERE ${where}` : ''}`, false, false);
  }

  compileDelete(): CompiledSql {
    const { where } = this.compileBareWhere();
    return this.finish(`DELETE FROM ${this.q(this.meta.dbTable)}${where ? ` WHERE ${where}` : ''}`, false, false);
  }
}

interface SelectParts {
  columns: string[];
  groupBy: string[];
  keys: string[];
  converters: Converter[];
  objects: ObjectPlan[];
  annotationPlans: AnnotationPlan[];
  aggregate: boolean;
  where: string;
  having: string;
}

function orderingToItem(name: string): OrderItem {
  if (name === '?') return { node: 'random', desc: false };
  const desc = name.startsWith('-');
  return { node: { t: 'f', path: desc ? name.slice(1) : name.replace(/^\+/, '') }, desc };
}

const dateToString = (v: unknown): unknown => (v instanceof Date ? v.toISOString().slice(0, 10) : v);
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/** `publishedAt__date`: a Date or a 'YYYY-MM-DD' string. */
function datePrep(field: AnyField): ValuePrep {
  return (v) => {
    if (v instanceof Date) return v.toISOString().slice(0, 10);
    if (typeof v === 'string' && DATE_RE.test(v)) return v;
    throw field.invalidValue(v, 'a date (YYYY-MM-DD) for __date');
  };
}

/** `publishedAt__year` and the other parts: an integer. */
function partPrep(field: AnyField, part: DatePart): ValuePrep {
  return (v) => {
    const n = integerParam(v);
    if (n === undefined) throw field.invalidValue(v, `an integer for __${part}`);
    return n;
  };
}

/** Conversion for bare values (Value(), F() arithmetic): what every driver accepts. */
export function genericPrep(vendor: Vendor): ValuePrep {
  if (vendor !== 'sqlite') return null;
  return (v) => (v === true ? 1 : v === false ? 0 : v instanceof Date ? `${v.toISOString().slice(0, 10)} ${v.toISOString().slice(11, 23)}` : v);
}

function nullSafe(prep: ValuePrep): ValuePrep {
  if (!prep) return null;
  return (v) => (v === null || v === undefined ? null : prep(v));
}

/**
 * A check constraint's condition as SQL with literal values (DDL cannot
 * take parameters). The Q object comes from the model definition, never
 * from request input; values are still escaped by the dialect.
 */
export function compileCheck(meta: ModelMeta, q: QObject<any>, dialect: Dialect): string {
  const args: unknown[] = [];
  const group = buildGroup(meta, q, args, 1);
  const state: QueryState = { ...initialState(meta.model), where: { t: 'g', conn: 'AND', neg: false, children: [group], seq: 0 }, args };
  const compiler = new Compiler(dialect, state, undefined, 0, { noJoins: true });
  const ctx = (compiler as unknown as { ctx: Context }).ctx;
  let where: string;
  try {
    where = compiler.compileBareWhere().where;
  } catch (error) {
    if (error instanceof JoinRequired) throw new FieldError(`Check constraint on ${meta.label} refers to another table; a check can only use the model's own fields.`);
    throw error;
  }
  // unqualified columns: the constraint belongs to the table itself
  const own = `${dialect.quote(meta.dbTable)}.`;
  return where.split(own).join('').replace(TOKEN_RE, (_, i: string) => {
    const slot = ctx.slots[Number(i)]!;
    const raw = slot.el >= 0 ? (args[slot.arg] as unknown[])[slot.el] : args[slot.arg];
    return dialect.literal(slot.prep ? slot.prep(raw) : raw);
  });
}
