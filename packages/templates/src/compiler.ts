import { Script } from 'node:vm';
import { Eta, EtaParseError, type EtaConfig } from 'eta';
import { positionAt, sourceExcerpt, TemplateSyntaxError } from './errors';
import type { TemplateSource } from './loader';
import type { RenderState } from './runtime';

/** What a compiled template function receives: the context (`it`) and the per-render state. */
export type TemplateFunction = (it: object, state: RenderState) => string;
export type AsyncTemplateFunction = (it: object, state: RenderState) => Promise<string>;

/** A position in a template's source (1-based). */
export interface SourcePosition {
  line: number;
  column: number;
}

/** How one line of generated code maps back to the template. */
interface LineInfo {
  line: number;
  /** Template column where this generated line's copy of the source starts. */
  column: number;
  /** Characters of generated code before the copied source on this line. */
  prefix: number;
}

/** Names the compiler provides in every template; globals may not reuse them. */
export const RESERVED_NAMES = new Set([
  'it', 'f', 'filters', 'layout', 'block', 'blockAsync', 'include', 'includeAsync', 'url', 'static', 'csrfInput', 'cache', 'capture',
]);

/** Helpers emitted only when a template mentions them, so a template pays for what it uses. */
const HELPER_CODE: Record<string, string> = {
  include: 'const include = (n, d, o) => __eta.include(__self, n, it, d, o);',
  includeAsync: 'const includeAsync = (n, d, o) => __eta.include(__self, n, it, d, o);',
  url: 'const url = (n, p, o) => __eta.url(n, p, o);',
  static: 'const static = (p) => __eta.static(p);',
  csrfInput: 'const csrfInput = () => __eta.csrfInput(it);',
  cache: 'const cache = (k, t, fn, v) => __eta.cache(__self, k, t, fn, v);',
  capture: 'const capture = (fn) => __eta.capture(fn, __self);',
};

/** The runtime a template's factory is given once, at compile time. */
export interface TemplateRuntime {
  filters: Record<string, unknown>;
  globals: Record<string, unknown>;
}

/**
 * A template compiled by Eta's parser and body compiler, wrapped in Manouche's
 * own prologue (multi-level blocks with super, includes with `only`, helpers)
 * instead of Eta's, and kept with what error reporting needs: its source and
 * a map from generated lines back to template lines.
 */
export class CompiledTemplate {
  readonly id: number;
  readonly name: string;
  readonly source: string;
  readonly file: TemplateSource | undefined;
  readonly sourceUrl: string;
  /** Block names given as literals anywhere in the template, with where each first appears. */
  readonly blockNames: ReadonlyMap<string, SourcePosition>;
  /** Literal names passed to layout(); null when one of them is computed at render time. */
  readonly layoutTargets: readonly string[] | null;
  readonly layoutPosition: SourcePosition | undefined;
  /** The parent last checked to declare every block this template overrides (a template nearly always has one). */
  checkedParent: CompiledTemplate | undefined = undefined;
  /** Names used in include()/layout() mapped to their normalized form, so a render does the string work once. */
  readonly resolvedNames = new Map<string, string>();

  private readonly codeFor: (async: boolean) => string;
  private readonly lineMap: Array<LineInfo | undefined>;
  private readonly bodyStart: number;
  private readonly runtime: TemplateRuntime;
  private syncFn: TemplateFunction | undefined;
  private asyncFn: AsyncTemplateFunction | undefined;
  private syncProblem: TemplateSyntaxError | undefined;

  constructor(init: {
    id: number; name: string; source: string; file?: TemplateSource; runtime: TemplateRuntime;
    codeFor: (async: boolean) => string; lineMap: Array<LineInfo | undefined>; bodyStart: number;
    blockNames: Map<string, SourcePosition>; layoutTargets: string[] | null; layoutPosition?: SourcePosition;
  }) {
    this.id = init.id;
    this.name = init.name;
    this.source = init.source;
    this.file = init.file;
    this.runtime = init.runtime;
    this.codeFor = init.codeFor;
    this.lineMap = init.lineMap;
    this.bodyStart = init.bodyStart;
    this.blockNames = init.blockNames;
    this.layoutTargets = init.layoutTargets;
    this.layoutPosition = init.layoutPosition;
    this.sourceUrl = `template:${encodeURI(init.name)}?${init.id}`;
    // Compile eagerly so syntax errors surface when the template is loaded, not mid-render.
    try {
      this.syncFn = this.build(false) as TemplateFunction;
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      // `await` is only valid in the async variant: such a template renders with renderAsync() only.
      this.asyncFn = this.tryBuildAsync(error);
      this.syncProblem = new TemplateSyntaxError(
        `The template ${JSON.stringify(this.name)} uses await, so it can only be rendered asynchronously: use renderAsync() (TemplateResponse and render() already do).`,
      );
    }
  }

  get sync(): TemplateFunction {
    if (this.syncFn) return this.syncFn;
    throw this.syncProblem!;
  }

  /** Whether the template itself awaits (then only its async variant exists). */
  get awaits(): boolean {
    return this.syncFn === undefined;
  }

  get async(): AsyncTemplateFunction {
    return (this.asyncFn ??= this.build(true) as AsyncTemplateFunction);
  }

  /** Map a position in the generated code (as V8 reports it in a stack frame) back to the template. */
  positionOf(generatedLine: number, generatedColumn: number): SourcePosition | undefined {
    // new Function() puts two lines of its own before the body.
    const info = this.lineMap[generatedLine - 3 - this.bodyStart];
    if (!info) return undefined;
    return { line: info.line, column: info.column + Math.max(0, generatedColumn - 1 - info.prefix) };
  }

  /** The last position in the template that holds code, for errors the generated epilogue reports. */
  lastCodePosition(): SourcePosition | undefined {
    for (let i = this.lineMap.length - 1; i >= 0; i--) {
      const info = this.lineMap[i];
      if (info) return { line: info.line, column: info.column };
    }
    return undefined;
  }

  excerpt(position: SourcePosition): string {
    return sourceExcerpt(this.source, position.line, position.column);
  }

  private build(async: boolean): TemplateFunction | AsyncTemplateFunction {
    const factory = new Function('__rt', '__self', this.codeFor(async)) as (rt: TemplateRuntime, self: CompiledTemplate) => TemplateFunction;
    return factory(this.runtime, this);
  }

  private tryBuildAsync(syncError: SyntaxError): AsyncTemplateFunction {
    try {
      return this.build(true) as AsyncTemplateFunction;
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      throw this.syntaxError(error.message || syncError.message);
    }
  }

  /** V8 gives no position for a SyntaxError from new Function(); vm.Script does, in its stack. */
  private syntaxError(message: string): TemplateSyntaxError {
    let position: SourcePosition | undefined;
    let hint = '';
    try {
      new Script(`(async function (__rt, __self) {\n${this.codeFor(true)}\n})`, { filename: this.sourceUrl });
    } catch (error) {
      const lines = String((error as Error).stack ?? '').split('\n');
      const match = /:(\d+)$/.exec(lines[0] ?? '');
      const caret = (lines[2] ?? '').indexOf('^');
      if (match) {
        const info = this.lineMap[Number(match[1]) - 2 - this.bodyStart];
        if (info) position = { line: info.line, column: info.column + Math.max(0, caret - info.prefix) };
      }
    }
    if (!position) {
      position = this.lastCodePosition() ?? { line: 1, column: 1 };
      hint = ' (a "{" opened in the template may not be closed, or a "}" may be missing its opening)';
    }
    const error = new TemplateSyntaxError(`Invalid JavaScript in template ${JSON.stringify(this.name)}: ${message}${hint}`);
    return error.locate({ name: this.name, ...position, source: this.excerpt(position) });
  }
}

interface TagNode {
  t: string;
  val: string;
}

export interface CompileInput {
  id: number;
  name: string;
  source: string;
  file?: TemplateSource;
}

export interface CompilerOptions {
  runtime: TemplateRuntime;
  autoTrim?: EtaConfig['autoTrim'];
}

/** Eta's parser and body compiler, configured the way the rest of this package expects. */
export class Compiler {
  private readonly eta: Eta;
  private readonly runtime: TemplateRuntime;

  constructor(options: CompilerOptions) {
    this.runtime = options.runtime;
    // The escape function Eta emits a call to is the render state's `e`: conditional escaping (SafeString passes through).
    this.eta = new Eta({ autoEscape: true, autoTrim: options.autoTrim ?? [false, 'nl'], useWith: false, varName: 'it' });
  }

  compile(input: CompileInput): CompiledTemplate {
    const { name, source } = input;
    let ast: Array<string | TagNode>;
    try {
      ast = this.eta.parse(source) as Array<string | TagNode>;
    } catch (error) {
      if (error instanceof EtaParseError) throw parseError(name, source, error);
      throw error;
    }
    const starts = tagContentStarts(source, ast);
    // A template may name its own variable `f` (`for (const f of it.fields)`); `filters.` then still reaches the filters.
    const shadowsF = ast.some((node) => typeof node !== 'string' && DECLARES_F.test(blankStrings(node.val)));
    const blockNames = new Map<string, SourcePosition>();
    const layoutTargets: string[] = [];
    let dynamicLayout = false;
    let layoutPosition: SourcePosition | undefined;
    const uses = new Set<string>();

    const bodyLines: string[] = [];
    const lineMap: Array<LineInfo | undefined> = [];
    let tagIndex = 0;
    for (const node of ast) {
      if (typeof node === 'string') {
        const code = this.eta.compileBody([node]);
        for (const line of code.slice(0, -1).split('\n')) {
          bodyLines.push(line);
          lineMap.push(undefined);
        }
        continue;
      }
      const start = starts[tagIndex++]!;
      const code = blankStrings(node.val);
      this.checkFilters(name, source, code, start, shadowsF);
      for (const match of code.matchAll(/(?<![\w$.])(layout|block|blockAsync|include|includeAsync|url|static|csrfInput|cache|capture)\b/g)) {
        uses.add(match[1]!);
      }
      for (const match of node.val.matchAll(/(?<![\w$.])block(?:Async)?\s*\(\s*(['"`])([^'"`\\$]+)\1/g)) {
        if (!blockNames.has(match[2]!)) blockNames.set(match[2]!, positionAt(source, start + match.index!));
      }
      for (const match of node.val.matchAll(/(?<![\w$.])layout\s*\(\s*(?:(['"`])([^'"`\\$]+)\1\s*[,)])?/g)) {
        layoutPosition ??= positionAt(source, start + match.index!);
        if (match[2]) layoutTargets.push(match[2]);
        else dynamicLayout = true;
      }
      // `<% block(...) %>` is how Eta's docs write a block in a child; making it an output tag
      // lets the same line also render the block when it is reached inside another block.
      const tag = node.t === 'e' && /^\s*block(?:Async)?\s*\(/.test(node.val) ? { t: 'r', val: node.val } : node;
      const generated = this.eta.compileBody([tag]).slice(0, -1).split('\n');
      const first = positionAt(source, start);
      const prefix = Math.max(0, generated[0]!.indexOf(node.val.split('\n')[0]!));
      generated.forEach((line, i) => {
        bodyLines.push(line);
        lineMap.push(i === 0 ? { line: first.line, column: first.column, prefix } : { line: first.line + i, column: 1, prefix: 0 });
      });
    }

    const usesBlocks = uses.has('layout') || uses.has('block') || uses.has('blockAsync');
    const prologue = [
      'const f = __rt.filters;',
      'const filters = f;',
      ...Object.keys(this.runtime.globals).map((key) => `const ${key} = __rt.globals[${JSON.stringify(key)}];`),
    ];
    const setup: string[] = ['const __saved = __eta.res;', "__eta.res = '';"];
    if (usesBlocks) setup.push('const __level = __eta.level;', 'let __layout, __layoutData;');
    if (uses.has('layout')) setup.push('const layout = (n, d) => { __layout = n; __layoutData = d; };');
    if (uses.has('block')) setup.push('const block = (n, fn) => __eta.block(__self, n, fn, __level, __layout !== undefined);');
    if (uses.has('blockAsync')) setup.push('const blockAsync = (n, fn) => __eta.block(__self, n, fn, __level, __layout !== undefined);');
    for (const helper of Object.keys(HELPER_CODE)) if (uses.has(helper)) setup.push(HELPER_CODE[helper]!);
    // Index of the first body line in the generated code: prologue, function line, setup, `try {`.
    const bodyStart = prologue.length + 1 + setup.length + 1;
    const codeFor = (async: boolean): string => {
      const extend = uses.has('layout')
        ? [`if (__layout !== undefined) return ${async ? 'await ' : ''}__eta.extend(__self, __layout, __layoutData, it, __saved, __level);`]
        : [];
      return [
        ...prologue,
        `return ${async ? 'async ' : ''}function __template(it, __eta) {`,
        ...setup,
        'try {',
        ...bodyLines,
        ...extend,
        '} catch (__err) { __eta.res = __saved; throw __eta.fail(__err, __self); }',
        'const __out = __eta.res;',
        '__eta.res = __saved;',
        'return __out;',
        '};',
        `//# sourceURL=template:${encodeURI(name)}?${input.id}`,
      ].join('\n');
    };
    return new CompiledTemplate({
      ...input,
      runtime: this.runtime,
      codeFor,
      lineMap,
      bodyStart,
      blockNames,
      layoutTargets: dynamicLayout ? null : layoutTargets,
      layoutPosition,
    });
  }

  /** Django reports an unknown filter when the template compiles; so do we, for `f.name` uses. */
  private checkFilters(name: string, source: string, code: string, start: number, shadowsF: boolean): void {
    for (const match of code.matchAll(/(?<![\w$.])(f|filters)\s*\.\s*([A-Za-z_$][\w$]*)/g)) {
      if (match[1] === 'f' && shadowsF) continue;
      const filter = match[2]!;
      if (typeof this.runtime.filters[filter] === 'function') continue;
      const position = positionAt(source, start + match.index!);
      const known = Object.keys(this.runtime.filters).sort();
      const close = known.filter((k) => k.toLowerCase() === filter.toLowerCase() || k.toLowerCase().replace(/_/g, '') === filter.toLowerCase().replace(/_/g, ''));
      const error = new TemplateSyntaxError(
        `Invalid filter: ${JSON.stringify(filter)} in template ${JSON.stringify(name)}.${close.length ? ` Did you mean ${close.map((c) => `f.${c}`).join(' or ')}?` : ''} Known filters: ${known.join(', ')}.`,
      );
      throw error.locate({ name, ...position, source: sourceExcerpt(source, position.line, position.column) });
    }
  }
}

/**
 * The offset where each tag's content starts, found by replaying Eta's own
 * opening-tag expression over the source in the order its parser consumed
 * the tags (its AST only keeps line numbers, and only in debug mode).
 */
function tagContentStarts(source: string, ast: Array<string | TagNode>): number[] {
  const open = /<%(-|_)?\s*(=|~)?\s*/g;
  const starts: number[] = [];
  let cursor = 0;
  for (const node of ast) {
    if (typeof node === 'string') continue;
    open.lastIndex = cursor;
    const match = open.exec(source);
    const start = match ? match.index + match[0].length : cursor;
    starts.push(start);
    cursor = start + node.val.length;
  }
  return starts;
}

/** A declaration of a variable or parameter named `f`. */
const DECLARES_F = /(?:\b(?:const|let|var)\s+|[(,]\s*)f\s*(?:[=,)]|of\b|in\b)|(?<![\w$.])f\s*=>/;

/** Blank out string literal contents (keeping offsets) so scans for names ignore text inside quotes. */
function blankStrings(code: string): string {
  return code.replace(/'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\[\s\S]|[^`\\])*`/g, (literal) => literal[0] + ' '.repeat(literal.length - 2) + literal[0]);
}

function parseError(name: string, source: string, error: EtaParseError): TemplateSyntaxError {
  const match = /at line (\d+) col (\d+)/.exec(error.message);
  const reason = error.message.split(' at line ')[0];
  const result = new TemplateSyntaxError(`Template ${JSON.stringify(name)} cannot be parsed: ${reason}`, { cause: error });
  if (!match) return result;
  const line = Number(match[1]);
  const column = Number(match[2]);
  return result.locate({ name, line, column, source: sourceExcerpt(source, line, column) });
}
