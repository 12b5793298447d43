import {
  type Application,
  escapeHtml,
  isPromise,
  getDefaultApplication,
  makeTemplateFragmentKey,
  getSettings,
  type HttpRequest,
  SafeString,
  settingsConfigured,
  staticUrl,
  stringify,
} from '@manouche/core';
import type { CompiledTemplate } from './compiler';
import { mergeContext } from './context';
import { TemplateError, TemplateSyntaxError } from './errors';

/** A block's body: writes its output; `parent()` renders the overridden block (Django's `block.super`). */
export type BlockFunction = (parent: () => SafeString) => unknown;

/** Duck-typed cache the `cache()` helper stores fragments in (`@manouche/cache`'s shape). */
export interface FragmentCache {
  get(key: string): Promise<unknown | undefined>;
  set(key: string, value: unknown, ttlSeconds?: number | null): Promise<void>;
}

export interface IncludeOptions {
  /** Render with only the variables passed to include() (Django's `only`). */
  only?: boolean;
}

/** What the render state needs from its engine. */
export interface RenderHost {
  readonly app: Application | undefined;
  /** Load (compile once, cache) the template `name`, resolved relative to `from`. */
  load(name: unknown, from?: CompiledTemplate): CompiledTemplate;
  /** Turn anything thrown while `template` rendered into a located template error. */
  fail(error: unknown, template: CompiledTemplate): unknown;
  /** Check that every block `child` overrides exists in `parent` or above; the state calls it once per pair. */
  checkBlocks(child: CompiledTemplate, parent: CompiledTemplate, defined: readonly string[]): void;
  fragmentCache(app: Application | undefined): FragmentCache | undefined;
}

/** Block definitions as flat (name, level, body) triples. */
type BlockDefinitions = Array<string | number | BlockFunction>;

const EMPTY = new SafeString('');
const AsyncFunction = (async () => {}).constructor;
const isAsyncFunction = (fn: unknown): boolean => typeof fn === 'function' && fn instanceof AsyncFunction;
const noParent = (): SafeString => EMPTY;
const NON_SPACE = /\S/;
const MAX_LAYOUT_DEPTH = 32;

/**
 * Conditional escaping for the hot path: what core's conditionalEscape does
 * (a SafeString passes through, anything else goes through escapeHtml), but
 * returning the string instead of allocating a SafeString per interpolation.
 */
export function escapeValue(value: unknown): string {
  if (typeof value === 'string') return escapeHtml(value);
  if (typeof value === 'number') return String(value);
  if (value instanceof SafeString) return value.value;
  return escapeHtml(stringify(value));
}

/**
 * Everything one render shares across the templates it runs (a page, its
 * layouts, its includes): the output buffer, the blocks the extending
 * templates defined, and the helpers. Compiled templates append to `res`.
 */
export class RenderState {
  res = '';
  readonly e = escapeValue;
  /** How many templates up the extends chain the running one is (the page is 0). */
  level = 0;
  /** Greater than 0 while a block body runs: blocks met there render instead of being defined. */
  depth = 0;
  /**
   * Block definitions of the current extends chain, as flat (name, level,
   * body) triples: a page defines a handful of blocks, and scanning a short
   * array is cheaper than building a dictionary on every render.
   */
  blocks: BlockDefinitions | undefined = undefined;

  constructor(
    readonly host: RenderHost,
    readonly request: HttpRequest | undefined,
  ) {}

  /** The variant (sync or async) of `template` this render runs. */
  run(template: CompiledTemplate, it: object): string | Promise<string> {
    return template.sync(it, this);
  }

  /**
   * `block(name, fn)` in a template. In a template that extends another one
   * (and outside any block body) it defines the block; everywhere else it
   * renders the most derived definition, `fn` being this template's own.
   */
  block(template: CompiledTemplate, name: unknown, fn: BlockFunction | undefined, level: number, extending: boolean): SafeString | string {
    if (typeof name !== 'string' || name === '') {
      throw new TemplateSyntaxError(`block() needs a name (a non-empty string) as its first argument; got ${typeof name === 'string' ? '""' : typeof name}.`);
    }
    if (fn !== undefined && typeof fn !== 'function') {
      throw new TemplateSyntaxError(`block(${JSON.stringify(name)}, …): the second argument must be a function writing the block's content; got ${typeof fn}.`);
    }
    if (extending && this.depth === 0) {
      if (fn) this.define(template, name, fn, level);
      return '';
    }
    const defs = this.blocks;
    let found = -1;
    let count = 0;
    if (defs) {
      for (let i = 0; i < defs.length; i += 3) {
        if (defs[i] !== name) continue;
        if (fn && defs[i + 1] === level) throw duplicateBlock(template, name);
        if (found < 0) found = i;
        count++;
      }
    }
    if (found < 0) return fn ? this.renderSingle(template, fn) : EMPTY;
    if (count === 1 && !fn) return this.renderSingle(template, defs![found + 2] as BlockFunction);
    // The definitions of this block by level, most derived first, with this template's own at its level.
    const byLevel: Array<[number, BlockFunction]> = [];
    for (let i = found; i < defs!.length; i += 3) if (defs![i] === name) byLevel.push([defs![i + 1] as number, defs![i + 2] as BlockFunction]);
    if (fn) byLevel.push([level, fn]);
    byLevel.sort((a, b) => a[0] - b[0]);
    return this.renderChain(template, byLevel.map((entry) => entry[1]), 0);
  }

  /** Render a block that has one definition (the common case: no array, no parent closure). */
  renderSingle(_template: CompiledTemplate, fn: BlockFunction): SafeString | string {
    const saved = this.res;
    this.res = '';
    this.depth++;
    try {
      fn(noParent);
      return new SafeString(this.res);
    } finally {
      this.res = saved;
      this.depth--;
    }
  }

  /** Render definition `i` of a block; its `parent()` renders definition `i + 1`. */
  renderChain(template: CompiledTemplate, chain: readonly BlockFunction[], i: number): SafeString | string {
    const saved = this.res;
    this.res = '';
    this.depth++;
    try {
      chain[i]!(i + 1 < chain.length ? () => this.renderChain(template, chain, i + 1) as SafeString : noParent);
      return new SafeString(this.res);
    } finally {
      this.res = saved;
      this.depth--;
    }
  }

  /** `include(name, extra, { only })`: render another template with this context (plus `extra`), or only `extra`. */
  include(template: CompiledTemplate, name: unknown, it: object, extra?: object, options?: IncludeOptions): SafeString | string {
    const included = this.host.load(name, template);
    const data = includeData(it, extra, options);
    // An included template has its own inheritance chain (Django renders it with a fresh block context).
    const { blocks, level, depth } = this;
    this.blocks = undefined;
    this.level = 0;
    this.depth = 0;
    try {
      return new SafeString(this.run(included, data) as string);
    } finally {
      this.blocks = blocks;
      this.level = level;
      this.depth = depth;
    }
  }

  /** Called when a template that called layout() finished: render the parent with the blocks defined so far. */
  extend(template: CompiledTemplate, name: unknown, layoutData: object | undefined, it: object, saved: string, level: number): string | Promise<string> {
    const body = this.res;
    this.res = saved;
    let parent: CompiledTemplate;
    try {
      parent = this.host.load(name, template);
      if (template.checkedParent !== parent) {
        this.host.checkBlocks(template, parent, this.definedAt(level));
        template.checkedParent = parent;
      }
    } catch (error) {
      if (error instanceof TemplateError && template.layoutPosition) {
        error.locate({ name: template.name, ...template.layoutPosition, source: template.excerpt(template.layoutPosition) });
      }
      throw error;
    }
    // Eta passes the child's output outside blocks to its layout as `it.body`; only copy the context when there is some.
    if (level + 1 >= MAX_LAYOUT_DEPTH) {
      throw new TemplateSyntaxError(`More than ${MAX_LAYOUT_DEPTH} levels of layout() from ${JSON.stringify(template.name)}: does a template extend itself?`);
    }
    const hasBody = body !== '' && NON_SPACE.test(body);
    const data = hasBody || layoutData !== undefined ? mergeContext(mergeContext(mergeContext({}, it), hasBody ? { body: new SafeString(body) } : undefined), layoutData) : it;
    this.level = level + 1;
    try {
      return this.run(parent, data);
    } finally {
      this.level = level;
    }
  }

  /** Eta's capture(): what `fn` writes, as a SafeString. Handy for macros written as template functions. */
  capture(fn: () => unknown, _template?: CompiledTemplate): SafeString | string {
    const saved = this.res;
    this.res = '';
    try {
      fn();
      return new SafeString(this.res);
    } finally {
      this.res = saved;
    }
  }

  /** Fragments are cached when rendering asynchronously (cache backends are async); a synchronous render renders them. */
  cache(template: CompiledTemplate, _key: unknown, _ttl: unknown, fn: () => unknown, _varyOn?: unknown): SafeString | string {
    return this.capture(fn, template);
  }

  /** `url(name, params)`: core's reverse(). */
  url(name: string, params?: Record<string, unknown>, options?: { query?: Record<string, unknown> }): string {
    const app = this.request?.app ?? this.host.app ?? getDefaultApplication();
    return app.reverse(name, params, options as never);
  }

  /** `static(path)`: the public URL of a static file (STATIC_URL + path). */
  static(path: string): string {
    const settings = this.request?.settings ?? this.host.app?.settings ?? (settingsConfigured() ? getSettings() : undefined);
    if (!settings) throw new TemplateError('static() needs settings: render with a request, give the engine an `app`, or create the application first.');
    return staticUrl(settings, String(path));
  }

  /** Django's `{% csrf_token %}`: the hidden input, from `csrfToken` in the context; nothing when there is none. */
  csrfInput(it: object | undefined): SafeString {
    const token = (it as { csrfToken?: unknown } | undefined)?.csrfToken;
    if (typeof token !== 'string' || token === '') return EMPTY;
    return new SafeString(`<input type="hidden" name="csrfmiddlewaretoken" value="${escapeHtml(token)}">`);
  }

  fail(error: unknown, template: CompiledTemplate): unknown {
    return this.host.fail(error, template);
  }

  private define(template: CompiledTemplate, name: string, fn: BlockFunction, level: number): void {
    const defs = (this.blocks ??= []);
    for (let i = 0; i < defs.length; i += 3) if (defs[i] === name && defs[i + 1] === level) throw duplicateBlock(template, name);
    defs.push(name, level, fn);
  }

  private definedAt(level: number): string[] {
    const names: string[] = [];
    const defs = this.blocks ?? [];
    for (let i = 0; i < defs.length; i += 3) if (defs[i + 1] === level) names.push(defs[i] as string);
    return names;
  }
}

interface Job {
  blocks: RenderState['blocks'];
  depth: number;
  /** The template whose code created the placeholder: errors without a better location point there. */
  template: CompiledTemplate | undefined;
  run(): Promise<string>;
}

/**
 * The asynchronous render, for templates that await (a QuerySet, a promise
 * in the context) and for async context processors and fragment caches.
 * Work that may be asynchronous (include(), a block or capture() body
 * declared `async`, cache()) returns a placeholder that is rendered, in
 * order, once the template around it has finished; everything else renders
 * at once, as in a synchronous render. So templates read the same in both
 * modes (no `await` before include() or block()), and the output buffer is
 * never written to by two pieces of work at once.
 */
export class AsyncRenderState extends RenderState {
  private readonly jobs: Job[] = [];
  private readonly marker: RegExp;

  /** `marker` matches this engine's placeholders: NUL, the engine's random nonce, a job number, NUL. */
  constructor(host: RenderHost, request: HttpRequest | undefined, private readonly nonce: string, marker: RegExp) {
    super(host, request);
    this.marker = marker;
  }

  /** A template that does not await runs its synchronous variant: no promise per template. */
  override run(template: CompiledTemplate, it: object): string | Promise<string> {
    return template.awaits ? template.async(it, this) : template.sync(it, this);
  }

  /** Render `template` and every placeholder in its output (synchronously when nothing awaited). */
  render(template: CompiledTemplate, it: object): string | Promise<string> {
    const out = this.run(template, it);
    return typeof out === 'string' ? this.resolve(out) : out.then((text) => this.resolve(text));
  }

  override renderSingle(template: CompiledTemplate, fn: BlockFunction): SafeString | string {
    return isAsyncFunction(fn) ? this.renderChain(template, [fn], 0) : this.eagerly(() => fn(noParent), template);
  }

  override renderChain(template: CompiledTemplate, chain: readonly BlockFunction[], i: number): SafeString | string {
    const fn = chain[i]!;
    const parent = i + 1 < chain.length ? () => new SafeString(String(this.renderChain(template, chain, i + 1))) : noParent;
    if (!isAsyncFunction(fn)) return this.eagerly(() => fn(parent), template);
    return this.defer(template, async () => {
      const saved = this.res;
      this.res = '';
      this.depth++;
      try {
        await fn(parent);
        return this.res;
      } finally {
        this.res = saved;
        this.depth--;
      }
    });
  }

  override include(template: CompiledTemplate, name: unknown, it: object, extra?: object, options?: IncludeOptions): string {
    // Load now so a missing template is reported at the include() call.
    const included = this.host.load(name, template);
    const data = includeData(it, extra, options);
    // Deferred: the included template (or one it extends) may await.
    return this.defer(template, async () => {
      this.blocks = undefined;
      this.level = 0;
      this.depth = 0;
      return this.run(included, data);
    });
  }

  override capture(fn: () => unknown, template?: CompiledTemplate): SafeString | string {
    return isAsyncFunction(fn) ? this.deferredCapture(fn, template) : this.eagerly(fn, template);
  }

  /**
   * Django's `{% cache %}`: look the fragment up under Django's key
   * (`template.cache.<name>.<md5 of vary_on>`), else render and store it.
   * Without a cache backend it just renders.
   */
  override cache(template: CompiledTemplate, key: unknown, ttl: unknown, fn: () => unknown, varyOn?: unknown): string {
    if (typeof key !== 'string' || key === '') throw new TemplateSyntaxError(`cache() needs a fragment name (a non-empty string) first; got ${typeof key}.`);
    if (ttl !== null && ttl !== undefined && (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl < 0)) {
      throw new TemplateSyntaxError(`cache(${JSON.stringify(key)}, ttl, …): ttl must be a number of seconds (or null for no expiry); got ${JSON.stringify(ttl)}.`);
    }
    const app = this.request?.app ?? this.host.app;
    const backend = this.host.fragmentCache(app);
    // Deferred even when synchronous: on a cache hit the fragment is not rendered at all.
    const content = this.deferredCapture(fn, template);
    if (!backend) return content;
    const cacheKey = makeTemplateFragmentKey(key, varyOn === undefined ? [] : Array.isArray(varyOn) ? varyOn : [varyOn]);
    return this.defer(template, async () => {
      // A cache outage degrades to rendering the fragment, it does not fail the page.
      const hit = await backend.get(cacheKey).catch((error: unknown) => warn(app, `Fragment cache read failed for ${cacheKey}`, error));
      if (typeof hit === 'string') return hit;
      const rendered = await this.resolve(content);
      await backend.set(cacheKey, rendered, ttl as number | null | undefined).catch((error: unknown) => warn(app, `Fragment cache write failed for ${cacheKey}`, error));
      return rendered;
    });
  }

  /** Run a synchronous block or capture body now, in a block context (nested blocks render). */
  private eagerly(fn: () => unknown, template: CompiledTemplate | undefined): SafeString {
    const saved = this.res;
    this.res = '';
    this.depth++;
    try {
      const result = fn();
      if (isPromise(result)) {
        throw new TemplateError(`A block or capture() body in ${JSON.stringify(template?.name)} returned a promise: declare it \`async () => …\` so the render waits for it.`);
      }
      return new SafeString(this.res);
    } finally {
      this.res = saved;
      this.depth--;
    }
  }

  private deferredCapture(fn: () => unknown, template: CompiledTemplate | undefined): string {
    return this.defer(template, async () => {
      const saved = this.res;
      this.res = '';
      try {
        await fn();
        return this.res;
      } finally {
        this.res = saved;
      }
    });
  }

  private defer(template: CompiledTemplate | undefined, work: () => Promise<string>): string {
    const id = this.jobs.length;
    const { blocks, depth } = this;
    this.jobs.push({ blocks, depth, template, run: work });
    return `\u0000${this.nonce}${id}\u0000`;
  }

  /** Replace placeholders with their rendering, one after the other, in document order. */
  private resolve(text: string): string | Promise<string> {
    // No placeholder was ever made: nothing to look for (and no need to flatten the string to search it).
    return this.jobs.length > 0 && text.includes('\u0000') ? this.resolveJobs(text) : text;
  }

  private async resolveJobs(text: string): Promise<string> {
    let out = '';
    let last = 0;
    for (const match of text.matchAll(this.marker)) {
      out += text.slice(last, match.index);
      last = match.index! + match[0].length;
      const job = this.jobs[Number(match[1])]!;
      const { blocks, level, depth } = this;
      this.blocks = job.blocks;
      this.depth = job.depth;
      try {
        out += await this.resolve(await job.run());
      } catch (error) {
        throw job.template ? this.host.fail(error, job.template) : error;
      } finally {
        this.blocks = blocks;
        this.level = level;
        this.depth = depth;
      }
    }
    return out + text.slice(last);
  }
}

/** The context of an included template: the current one plus `extra`, or only `extra`. */
function includeData(it: object, extra: object | undefined, options: IncludeOptions | undefined): object {
  if (options?.only) return mergeContext({}, extra);
  return extra ? mergeContext(mergeContext({}, it), extra) : it;
}

/** Django's make_template_fragment_key(). */
function warn(app: Application | undefined, message: string, error: unknown): undefined {
  app?.logger.warn(message, { error: error instanceof Error ? error : new Error(String(error)) });
  return undefined;
}

function duplicateBlock(template: CompiledTemplate, name: string): TemplateSyntaxError {
  return new TemplateSyntaxError(`The block ${JSON.stringify(name)} appears more than once in template ${JSON.stringify(template.name)}.`);
}
