import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { AppConfig } from '../apps/app-config';
import { type Check, coreChecks } from '../checks/registry';
import type { Command } from '../cli/command';
import { type BuildSettingsOptions, buildSettings, configure, type Settings, type UserSettings } from '../conf/settings';
import type { ErrorHandlers } from '../errors/error-views';
import { ImproperlyConfigured } from '../errors/exceptions';
import { responseForException } from '../errors/response-for-exception';
import { type BodyLimits, bodyLimitsFrom } from '../http/body-limits';
import { HttpRequest, type RequestInit } from '../http/request';
import type { HttpResponse } from '../http/response';
import { writeResponse } from '../http/write-response';
import { consoleLogger, type Logger } from '../log/logger';
import { type Awaitable, type Handler, isPromise } from '../middleware/types';
import { Signal } from '../signals/signal';
import { type UrlEntry } from '../urls/patterns';
import { UrlResolver } from '../urls/resolver';
import { type ReverseOptions, reverseWith } from '../urls/reverse';
import type { TemplateRenderer } from '../views/template-renderer';
import { ClientIpResolver } from './client-ip';
import { AllowedHostCache } from './host-cache';
import { buildHandler } from './handler';

export interface CreateAppOptions extends BuildSettingsOptions {
  settings: UserSettings;
  /** The root URLconf (Django's ROOT_URLCONF). */
  urls: readonly UrlEntry[];
  /** Django's handler400/403/404/500. */
  handlers?: ErrorHandlers;
  logger?: Logger;
  /** Make this the process-wide app for `reverse()` and `getSettings()` (default true). */
  global?: boolean;
}

export interface RequestSignals {
  requestStarted: Signal<{ request: HttpRequest }>;
  requestFinished: Signal<{ request: HttpRequest; response: HttpResponse }>;
  gotRequestException: Signal<{ request: HttpRequest; error: unknown }>;
}

/**
 * A Manouche application: settings, URLs, installed apps and the middleware
 * chain, compiled once. `app.listener` is a node:http request listener;
 * `app.handle(request)` runs a request through everything in process.
 */
export class Application {
  readonly settings: Settings;
  readonly resolver: UrlResolver;
  readonly logger: Logger;
  readonly bodyLimits: BodyLimits;
  readonly errorHandlers: ErrorHandlers;
  readonly signals: RequestSignals = {
    requestStarted: new Signal('requestStarted'),
    requestFinished: new Signal('requestFinished'),
    gotRequestException: new Signal('gotRequestException'),
  };
  /** Set by a template package (`@manouche/templates`) when installed. */
  templateRenderer: TemplateRenderer | undefined;
  /** Host headers already validated against ALLOWED_HOSTS. */
  readonly allowedHostCache = new AllowedHostCache();
  /** True while shutting down: responses ask clients to close their connections. */
  shuttingDown = false;

  private readonly handler: Handler;
  private readonly clientIps: ClientIpResolver;
  private readyState: 'new' | 'starting' | 'ready' | 'closed' = 'new';
  private readyPromise: Promise<void> | undefined;

  constructor(options: CreateAppOptions) {
    if (!options || typeof options !== 'object') throw new ImproperlyConfigured('createApp() needs an options object: { settings, urls }.');
    if (!Array.isArray(options.urls)) throw new ImproperlyConfigured('createApp() needs `urls`: the list of path() patterns (the root URLconf).');
    this.settings = buildSettings(options.settings ?? {}, options);
    if (options.global !== false) {
      configure(this.settings);
      setDefaultApplication(this);
    }
    this.logger = options.logger ?? consoleLogger();
    this.errorHandlers = options.handlers ?? {};
    this.resolver = new UrlResolver(options.urls);
    this.bodyLimits = bodyLimitsFrom(this.settings);
    this.clientIps = new ClientIpResolver(this.settings.TRUSTED_PROXIES);
    const labels = new Set<string>();
    for (const app of this.settings.INSTALLED_APPS) {
      if (!app || typeof app.label !== 'string') throw new ImproperlyConfigured(`Every INSTALLED_APPS entry needs a label; got ${JSON.stringify(app)}.`);
      if (labels.has(app.label)) throw new ImproperlyConfigured(`Application labels aren't unique, duplicates: ${app.label}`);
      labels.add(app.label);
    }
    this.handler = buildHandler(this);
  }

  get apps(): readonly AppConfig[] {
    return this.settings.INSTALLED_APPS;
  }

  /** The installed app with this label, or undefined. */
  getAppConfig<A extends AppConfig = AppConfig>(label: string): A | undefined {
    return this.apps.find((a) => a.label === label) as A | undefined;
  }

  /** Run every app's `ready()` hook once (connect pools, load templates). */
  ready(): Promise<void> {
    if (this.readyPromise) return this.readyPromise;
    this.readyState = 'starting';
    this.readyPromise = (async () => {
      for (const app of this.apps) await app.ready?.(this);
      this.readyState = 'ready';
    })();
    return this.readyPromise;
  }

  get isReady(): boolean {
    return this.readyState === 'ready';
  }

  /** Run every app's `close()` hook, last installed first (close pools). */
  async close(): Promise<void> {
    if (this.readyState === 'closed') return;
    this.readyState = 'closed';
    const errors: unknown[] = [];
    for (const app of [...this.apps].reverse()) {
      try {
        await app.close?.(this);
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length) throw new AggregateError(errors, 'Some apps failed to close');
  }

  /** Run a request through the middleware and the view. Never rejects: errors become responses. */
  handle(request: HttpRequest): Promise<HttpResponse> {
    return Promise.resolve(this.dispatch(request));
  }

  /**
   * `handle()` without the promise when everything on the way answered
   * synchronously; what the node listener calls.
   */
  dispatch(request: HttpRequest): Awaitable<HttpResponse> {
    if (request.pathError) return responseForException(this, request, request.pathError);
    const { requestStarted, requestFinished } = this.signals;
    if (requestStarted.hasListeners() || requestFinished.hasListeners()) return this.dispatchWithSignals(request);
    return this.handler(request);
  }

  private async dispatchWithSignals(request: HttpRequest): Promise<HttpResponse> {
    await this.signals.requestStarted.sendRobust(this, { request });
    const response = await this.handler(request);
    await this.signals.requestFinished.sendRobust(this, { request, response });
    return response;
  }

  /** Build a request for this app (used by the node adapter and the test client). */
  createRequest(init: RequestInit): HttpRequest {
    return new HttpRequest(this, init);
  }

  /** A node:http request listener: `http.createServer(app.listener)`. */
  readonly listener = (req: IncomingMessage, res: ServerResponse): void => {
    if (this.readyState !== 'ready') {
      this.ready().then(
        () => this.listener(req, res),
        (error: unknown) => {
          this.logger.error('The application failed to start', { error: error as Error });
          res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' }).end('Service Unavailable');
        },
      );
      return;
    }
    const request = new HttpRequest(this, {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      body: req,
      remoteAddress: req.socket.remoteAddress,
      encrypted: (req.socket as TLSSocket).encrypted === true,
    });
    let result: Awaitable<HttpResponse>;
    try {
      result = this.dispatch(request);
    } catch (error) {
      this.failResponse(res, error);
      return;
    }
    if (isPromise(result)) {
      result.then(
        (response) => this.respond(request, response, res),
        (error: unknown) => {
          this.failResponse(res, error);
          void request.close();
        },
      );
    } else {
      this.respond(request, result, res);
    }
  };

  private respond(request: HttpRequest, response: HttpResponse, res: ServerResponse): void {
    let written: Promise<void> | undefined;
    try {
      written = writeResponse(request, response, res, this.shuttingDown);
    } catch (error) {
      this.failResponse(res, error);
    }
    if (written) void written.then(() => request.close());
    else void request.close();
  }

  private failResponse(res: ServerResponse, error: unknown): void {
    this.logger.error('Failed to write the response', { error: error as Error });
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('Server Error (500)');
    else res.destroy();
  }

  /**
   * A Connect/Express middleware. With `fallthrough` (the default), requests
   * that match no URL pattern go to `next()`, so Manouche can share a path
   * space with the host app. Mount it before any body parser.
   */
  asMiddleware(options: { fallthrough?: boolean } = {}): (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void {
    const fallthrough = options.fallthrough ?? true;
    return (req, res, next) => {
      if (fallthrough) {
        const path = (req.url ?? '/').split('?')[0]!;
        let decoded: string | undefined;
        try {
          decoded = decodeURIComponent(path);
        } catch {
          // a malformed path is Manouche's to answer, with its 400
        }
        if (decoded !== undefined && !this.resolver.resolve(decoded) && !(this.settings.APPEND_SLASH && this.resolver.resolve(`${decoded}/`))) {
          next();
          return;
        }
      }
      this.listener(req, res);
    };
  }

  /** Django's `reverse()` against this app's URLs. */
  reverse(viewName: string, params?: Record<string, unknown>, options: ReverseOptions = {}): string {
    return reverseWith(this.resolver, viewName, params, { scriptName: this.settings.FORCE_SCRIPT_NAME, ...options });
  }

  clientIp(request: HttpRequest): string {
    return this.clientIps.resolve(request.remoteAddress, request.header('x-forwarded-for'));
  }

  /** Every command: core's built-ins, then each app's. */
  get commands(): Command[] {
    return this.apps.flatMap((a) => a.commands ?? []);
  }

  /** Every system check: core's, then each app's. */
  get checks(): Check[] {
    return [...coreChecks, ...this.apps.flatMap((a) => a.checks ?? [])];
  }
}

let defaultApplication: Application | undefined;

function setDefaultApplication(app: Application): void {
  defaultApplication = app;
}

/** The most recently created global app (what `reverse()` uses). */
export function getDefaultApplication(): Application {
  if (!defaultApplication) throw new ImproperlyConfigured('No application has been created yet: call createApp({ settings, urls }) first.');
  return defaultApplication;
}

/** Create the application: Django's settings + ROOT_URLCONF + handlers in one call. */
export function createApp(options: CreateAppOptions): Application {
  return new Application(options);
}

/** Django's `reverse()`, against the app created last with createApp(). */
export function reverse(viewName: string, params?: Record<string, unknown>, options?: ReverseOptions): string {
  return getDefaultApplication().reverse(viewName, params, options);
}
