import { randomBytes } from 'node:crypto';
import { type Application, HttpError, type HttpRequest, isPromise } from '@manouche/core';
import type { EtaConfig } from 'eta';
import { CompiledTemplate, Compiler, RESERVED_NAMES, type SourcePosition } from './compiler';
import { mergeContext } from './context';
import { TemplateDoesNotExist, TemplateError, TemplateRenderError, TemplateSyntaxError } from './errors';
import { createFilters, type FilterFunction } from './filters/index';
import { FileLoader, normalizeName } from './loader';
import { AsyncRenderState, type FragmentCache, type RenderHost, RenderState } from './runtime';
import type { ContextFor } from './typed';

/**
 * Django's context processor: extra variables for every template rendered with a request. It may
 * return getters (read only if a template uses them) and any object type, an interface included.
 */
export type ContextProcessor = (request: HttpRequest) => object | Promise<object>;

export interface EngineOptions {
  /** Project template folders, searched first, in order (Django's DIRS). */
  dirs?: readonly string[];
  /** Installed apps' `templates/` folders, searched after `dirs`, in app order (see appTemplateDirs()). */
  appDirs?: readonly string[];
  /** Recompile a template on the next render when its file changed (checked with stat). Django's OPTIONS.debug. */
  debug?: boolean;
  /** Extra filters (`f.name(value, …)` in templates); they may replace built-in ones. */
  filters?: Record<string, FilterFunction>;
  /** Names available in every template: values, or functions (macros returning SafeString). */
  globals?: Record<string, unknown>;
  /** Run once per render when a request is given; what they return is added under the context. */
  contextProcessors?: readonly ContextProcessor[];
  /** Where `cache()` stores fragments; by default the `cache` app's default cache, if installed. */
  fragmentCache?: FragmentCache;
  /** The application `url()`, `static()` and the fragment cache use when rendering without a request. */
  app?: Application;
  /** Added to names without an extension (Eta's default). */
  extension?: string;
  /** IANA time zone that date filters show times in (Django's TIME_ZONE). */
  timeZone?: string;
  /** Eta's whitespace control after/before tags. */
  autoTrim?: EtaConfig['autoTrim'];
}

type Context = Record<string, unknown>;

/**
 * A compiled template bound to its engine (Django's backend Template):
 * `render(context, request)` applies the engine's context processors when a
 * request is given.
 */
export class Template<Ctx extends object = Context> {
  constructor(
    private readonly engine: Engine,
    readonly name: string,
    private readonly compiled?: CompiledTemplate,
  ) {}

  render(context?: Ctx, request?: HttpRequest): string {
    return this.engine.renderCompiled(this.compiled ?? this.engine.load(this.name), context, request);
  }

  renderAsync(context?: Ctx, request?: HttpRequest): Promise<string> {
    return this.engine.renderCompiledAsync(this.compiled ?? this.engine.load(this.name), context, request);
  }
}

const STACK_FRAME = /^\s+at .*?template:[^\s)]*?\?(\d+):(\d+):(\d+)\)?$/;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * The template engine: finds templates in folders, compiles each once with
 * Eta's compiler (recompiling a changed file in debug mode), and renders them
 * with Django's semantics: autoescaping through core's SafeString, multi-level
 * inheritance with blocks and `parent()`, includes, filters, helpers.
 */
export class Engine implements RenderHost {
  readonly debug: boolean;
  readonly extension: string;
  readonly filters: Readonly<Record<string, FilterFunction>>;
  readonly globals: Readonly<Record<string, unknown>>;
  readonly contextProcessors: readonly ContextProcessor[];
  readonly app: Application | undefined;
  readonly loader: FileLoader;

  private readonly compiler: Compiler;
  private readonly templates = new Map<string, CompiledTemplate>();
  private readonly byId = new Map<number, CompiledTemplate>();
  private readonly inherited = new WeakMap<CompiledTemplate, ReadonlySet<string> | null>();
  private readonly fragmentCacheOption: FragmentCache | undefined;
  /** Placeholders of the asynchronous render carry a random nonce, so no rendered value can forge one. */
  private readonly nonce = randomBytes(6).toString('hex');
  private readonly marker = new RegExp(`\u0000${this.nonce}(\\d+)\u0000`, 'g');
  private nextId = 1;

  constructor(options: EngineOptions = {}) {
    this.debug = options.debug ?? false;
    this.extension = options.extension ?? '.eta';
    this.app = options.app;
    this.fragmentCacheOption = options.fragmentCache;
    this.contextProcessors = [...(options.contextProcessors ?? [])];
    for (const processor of this.contextProcessors) {
      if (typeof processor !== 'function') throw new TypeError(`Every context processor must be a function (request) => object; got ${typeof processor}.`);
    }
    const filters = { ...createFilters({ timeZone: options.timeZone ?? 'UTC' }) };
    for (const [name, filter] of Object.entries(options.filters ?? {})) {
      if (!IDENTIFIER.test(name)) throw new TypeError(`A filter name must be a JavaScript identifier (used as f.${name}(…)); got ${JSON.stringify(name)}.`);
      if (typeof filter !== 'function') throw new TypeError(`The filter ${JSON.stringify(name)} must be a function; got ${typeof filter}.`);
      filters[name] = filter;
    }
    this.filters = filters;
    const globals: Record<string, unknown> = { ...options.globals };
    for (const name of Object.keys(globals)) checkGlobalName(name);
    this.globals = globals;
    this.loader = new FileLoader([...(options.dirs ?? []), ...(options.appDirs ?? [])]);
    this.compiler = new Compiler({ runtime: { filters, globals }, autoTrim: options.autoTrim });
  }

  /** Django's get_template(): the template for `name` (compiled and cached on first use). */
  getTemplate<N extends string>(name: N): Template<ContextFor<N>> {
    const compiled = this.load(name);
    return new Template<ContextFor<N>>(this, compiled.name);
  }

  /** Django's select_template(): the first of `names` that exists. */
  selectTemplate<N extends string>(names: readonly N[]): Template<ContextFor<N>> {
    return new Template<ContextFor<N>>(this, this.first(names).name);
  }

  /** A template from a string (not cached: keep the Template to render it again). */
  fromString(source: string, name = '<string>'): Template {
    return new Template(this, name, this.compileString(source, name));
  }

  /** Render the first existing template of `names`; with a request, context processors run first. */
  render<N extends string>(names: N | readonly N[], context?: ContextFor<N>, request?: HttpRequest): string {
    return this.renderCompiled(this.first(names), context, request);
  }

  /** Like render(), asynchronously: templates may await, context processors may be async, fragments are cached. */
  renderAsync<N extends string>(names: N | readonly N[], context?: ContextFor<N>, request?: HttpRequest): Promise<string> {
    try {
      return this.renderCompiledAsync(this.first(names), context, request);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  renderString(source: string, context?: Context, request?: HttpRequest): string {
    return this.renderCompiled(this.compileString(source, '<string>'), context, request);
  }

  async renderStringAsync(source: string, context?: Context, request?: HttpRequest): Promise<string> {
    return this.renderCompiledAsync(this.compileString(source, '<string>'), context, request);
  }

  /** Run the context processors for `request` and put `context` over what they return (Django's RequestContext). */
  contextFor(request: HttpRequest | undefined, context: object | undefined): Context | Promise<Context> {
    if (!request || this.contextProcessors.length === 0) return (context ?? {}) as Context;
    const merged: Context = {};
    for (let i = 0; i < this.contextProcessors.length; i++) {
      const result = this.runProcessor(i, request);
      if (isPromise(result)) return this.contextForAsync(request, context, merged, i, result);
      mergeContext(merged, result);
    }
    return mergeContext(merged, context);
  }

  renderCompiled(template: CompiledTemplate, context: object | undefined, request: HttpRequest | undefined): string {
    const data = this.contextFor(request, context);
    if (isPromise(data)) {
      throw new TemplateError(`A context processor returned a promise, so ${JSON.stringify(template.name)} must be rendered with renderAsync().`);
    }
    return template.sync(data, new RenderState(this, request));
  }

  renderCompiledAsync(template: CompiledTemplate, context: object | undefined, request: HttpRequest | undefined): Promise<string> {
    try {
      const data = this.contextFor(request, context);
      const state = new AsyncRenderState(this, request, this.nonce, this.marker);
      return Promise.resolve(isPromise(data) ? data.then((d) => state.render(template, d)) : state.render(template, data));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Compile every template in the folders now, so that serving a request
   * never reads a file. A template that does not compile is left out (its
   * error is returned, and raised again if it is ever rendered).
   */
  preload(): { loaded: number; failed: Array<{ name: string; error: unknown }> } {
    const failed: Array<{ name: string; error: unknown }> = [];
    let loaded = 0;
    for (const name of this.loader.allNames(this.extension)) {
      try {
        this.load(name);
        loaded++;
      } catch (error) {
        failed.push({ name, error });
      }
    }
    return { loaded, failed };
  }

  /** RenderHost: the compiled template for `name`, from the cache unless (in debug) its file changed. */
  load(name: unknown, from?: CompiledTemplate): CompiledTemplate {
    let key: string;
    let remember = false;
    if (from !== undefined && typeof name === 'string') {
      const resolved = from.resolvedNames.get(name);
      remember = resolved === undefined;
      key = resolved ?? normalizeName(name, this.extension, from.name);
    } else if (typeof name === 'string' && this.templates.has(name)) {
      // Cache keys are normalized names, and normalizing is idempotent: a name equal to a key needs no work.
      key = name;
      if (!this.debug) return this.templates.get(key)!;
    } else {
      key = normalizeName(name, this.extension, from?.name);
    }
    const cached = this.templates.get(key);
    if (cached) {
      if (!this.debug || !cached.file || !this.loader.changed(cached.file)) {
        // Remembered only once found, so names computed from user input cannot grow the map.
        if (remember) from!.resolvedNames.set(name as string, key);
        return cached;
      }
      this.templates.delete(key);
      this.byId.delete(cached.id);
    }
    const file = this.loader.find(key);
    if (!file) {
      throw new TemplateDoesNotExist(key, this.loader.candidates(key), from && `It was asked for by ${JSON.stringify(from.name)}.`);
    }
    const compiled = this.compiler.compile({ id: this.nextId++, name: key, source: file.source, file });
    this.templates.set(key, compiled);
    this.byId.set(compiled.id, compiled);
    if (remember) from!.resolvedNames.set(name as string, key);
    return compiled;
  }

  /** RenderHost: give anything thrown while `template` rendered a template location (Django's template_debug). */
  fail(error: unknown, template: CompiledTemplate): unknown {
    if ((error as { templateDebug?: unknown } | null)?.templateDebug) return error;
    const { compiled, position } = this.locate(error, template);
    const info = { name: compiled.name, ...position, source: compiled.excerpt(position) };
    if (error instanceof TemplateError) return error.locate(info);
    // Http404 & co. keep their meaning (a template may raise a 404); they only gain the location.
    if (error instanceof HttpError) return Object.assign(error, { templateDebug: info });
    const cause = error instanceof Error ? error : new Error(String(error));
    const wrapped = new TemplateRenderError(`${cause.name}: ${cause.message}`, { cause }).locate(info);
    wrapped.stack = `${wrapped.name}: ${wrapped.message}\n${(cause.stack ?? '').split('\n').filter((line) => line.startsWith('    at ')).join('\n')}`;
    return wrapped;
  }

  /** RenderHost: a child may only override blocks its parent chain declares (Django ignores them silently). */
  checkBlocks(child: CompiledTemplate, parent: CompiledTemplate, defined: readonly string[]): void {
    if (defined.length > 0) {
      const available = this.inheritedBlocks(parent, new Set());
      if (available) {
        for (const name of defined) {
          if (available.has(name)) continue;
          const position = child.blockNames.get(name) ?? child.layoutPosition ?? { line: 1, column: 1 };
          const known = [...available].sort();
          throw new TemplateSyntaxError(
            `The block ${JSON.stringify(name)} defined in ${JSON.stringify(child.name)} does not exist in ${JSON.stringify(parent.name)} or the templates it extends, so it would never be shown. Blocks there: ${known.length ? known.join(', ') : '(none)'}.`,
          ).locate({ name: child.name, ...position, source: child.excerpt(position) });
        }
      }
    }
  }

  /** RenderHost: the engine's fragment cache, else the `cache` app's default cache, else none. */
  fragmentCache(app: Application | undefined): FragmentCache | undefined {
    if (this.fragmentCacheOption) return this.fragmentCacheOption;
    const candidate = (app?.getAppConfig('cache') as { caches?: { default?: unknown } } | undefined)?.caches?.default as FragmentCache | undefined;
    return candidate && typeof candidate.get === 'function' && typeof candidate.set === 'function' ? candidate : undefined;
  }

  /** Forget every compiled template (they are compiled again on next use). */
  reset(): void {
    this.templates.clear();
    this.byId.clear();
  }

  private first(names: unknown): CompiledTemplate {
    if (typeof names === 'string') return this.load(names);
    if (!Array.isArray(names) || names.length === 0) {
      throw new TemplateDoesNotExist(String(names), [], 'Give a template name or a non-empty list of names.');
    }
    const tried: string[] = [];
    for (const name of names) {
      try {
        return this.load(name);
      } catch (error) {
        if (!(error instanceof TemplateDoesNotExist) || error.templateName !== normalizeName(name, this.extension)) throw error;
        tried.push(...error.tried);
      }
    }
    throw new TemplateDoesNotExist(names.join(', '), tried);
  }

  private compileString(source: string, name: string): CompiledTemplate {
    if (typeof source !== 'string') throw new TypeError(`A template source must be a string; got ${typeof source}.`);
    return this.compiler.compile({ id: this.nextId++, name, source });
  }

  private runProcessor(i: number, request: HttpRequest): Record<string, unknown> | Promise<Record<string, unknown>> {
    const processor = this.contextProcessors[i]!;
    const result = processor(request);
    if (isPromise(result)) return result.then((value) => checkProcessorResult(processor, value));
    return checkProcessorResult(processor, result);
  }

  private async contextForAsync(request: HttpRequest, context: object | undefined, merged: Context, from: number, pending: Promise<Record<string, unknown>>): Promise<Context> {
    mergeContext(merged, await pending);
    for (let i = from + 1; i < this.contextProcessors.length; i++) mergeContext(merged, await this.runProcessor(i, request));
    return mergeContext(merged, context);
  }

  /** Which template and line an error comes from: the innermost template frame of its stack. */
  private locate(error: unknown, fallback: CompiledTemplate): { compiled: CompiledTemplate; position: SourcePosition } {
    const stack = error instanceof Error && typeof error.stack === 'string' ? error.stack : '';
    for (const line of stack.split('\n')) {
      const match = STACK_FRAME.exec(line);
      if (!match) continue;
      const id = Number(match[1]);
      const compiled = id === fallback.id ? fallback : this.byId.get(id);
      const position = compiled?.positionOf(Number(match[2]), Number(match[3])) ?? compiled?.lastCodePosition();
      if (compiled && position) return { compiled, position };
    }
    return { compiled: fallback, position: fallback.lastCodePosition() ?? { line: 1, column: 1 } };
  }

  private inheritedBlocks(template: CompiledTemplate, visiting: Set<CompiledTemplate>): ReadonlySet<string> | null {
    const known = this.inherited.get(template);
    if (known !== undefined) return known;
    if (template.layoutTargets === null || visiting.has(template)) return null;
    visiting.add(template);
    const names = new Set(template.blockNames.keys());
    for (const target of template.layoutTargets) {
      let parent: CompiledTemplate;
      try {
        parent = this.load(target, template);
      } catch {
        return null;
      }
      const above = this.inheritedBlocks(parent, visiting);
      if (above === null) return null;
      for (const name of above) names.add(name);
    }
    this.inherited.set(template, names);
    return names;
  }
}

/** Each installed app's `templates/` folder, in INSTALLED_APPS order (Django's APP_DIRS). */
export function appTemplateDirs(apps: readonly { path?: string }[]): string[] {
  return apps.filter((app) => typeof app.path === 'string' && app.path !== '').map((app) => `${app.path!.replace(/[\\/]+$/, '')}/templates`);
}

function checkGlobalName(name: string): void {
  if (!IDENTIFIER.test(name) || RESERVED_NAMES.has(name)) {
    throw new TypeError(`A global name must be a JavaScript identifier other than ${[...RESERVED_NAMES].join(', ')}; got ${JSON.stringify(name)}.`);
  }
  try {
    new Function(`const ${name} = 1;`);
  } catch {
    throw new TypeError(`A global cannot be named ${JSON.stringify(name)}: it is a reserved word in JavaScript.`);
  }
}

function checkProcessorResult(processor: ContextProcessor, value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TemplateError(`The context processor ${processor.name || '(anonymous)'} must return an object of variables; it returned ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}.`);
  }
  return value as Record<string, unknown>;
}
