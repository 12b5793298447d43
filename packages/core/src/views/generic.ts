import { ImproperlyConfigured, MethodNotAllowed } from '../errors/exceptions';
import type { HttpRequest } from '../http/request';
import { HttpResponse, HttpResponseGone, HttpResponsePermanentRedirect, HttpResponseRedirect, type ResponseInit } from '../http/response';
import type { ViewFunction } from './types';

export const HTTP_METHOD_NAMES = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'trace'] as const;
type MethodName = (typeof HTTP_METHOD_NAMES)[number];
type MethodHandler = (request: HttpRequest, params: Record<string, unknown>) => HttpResponse | Promise<HttpResponse>;

/**
 * Django's class-based View: subclass it, define `get()`, `post()`… and mount
 * `MyView.asView()`. A fresh instance handles each request, so instance
 * fields are per-request state.
 */
export class View {
  request!: HttpRequest;
  params!: Record<string, unknown>;

  /** Build a view function; `initkwargs` set fields on every instance. */
  static asView<T extends View>(this: new () => T, initkwargs: Partial<Omit<T, keyof View>> = {}): ViewFunction {
    const ViewClass = this;
    for (const key of Object.keys(initkwargs)) {
      if ((HTTP_METHOD_NAMES as readonly string[]).includes(key)) {
        throw new TypeError(`The method name ${key} is not accepted as a keyword argument to ${ViewClass.name}.asView().`);
      }
      if (!(key in new ViewClass())) {
        throw new TypeError(`${ViewClass.name}.asView() received an invalid keyword ${JSON.stringify(key)}; asView only accepts arguments that are already attributes of the class.`);
      }
    }
    const view = (request: HttpRequest, params: Record<string, unknown>) => {
      const instance = new ViewClass();
      Object.assign(instance, initkwargs);
      instance.setup(request, params);
      return instance.dispatch(request, params);
    };
    Object.defineProperty(view, 'name', { value: ViewClass.name });
    return Object.assign(view, { viewClass: ViewClass, allowedMethods: new ViewClass().allowedMethods() });
  }

  setup(request: HttpRequest, params: Record<string, unknown>): void {
    this.request = request;
    this.params = params;
  }

  /** Call the handler named after the method; 405 when there is none. */
  dispatch(request: HttpRequest, params: Record<string, unknown>): HttpResponse | Promise<HttpResponse> {
    const name = request.method.toLowerCase() as MethodName;
    let handler = (HTTP_METHOD_NAMES as readonly string[]).includes(name) ? this.handlerFor(name) : undefined;
    if (!handler && name === 'head') handler = this.handlerFor('get');
    if (!handler) return this.httpMethodNotAllowed(request);
    return handler.call(this, request, params);
  }

  httpMethodNotAllowed(request: HttpRequest): HttpResponse {
    throw new MethodNotAllowed(request.method, this.allowedMethods());
  }

  /** Answers OPTIONS with the allowed methods. */
  options(_request: HttpRequest, _params: Record<string, unknown>): HttpResponse {
    const response = new HttpResponse('', { status: 200 });
    response.headers.set('allow', this.allowedMethods().join(', '));
    response.headers.set('content-length', '0');
    return response;
  }

  allowedMethods(): string[] {
    const methods = HTTP_METHOD_NAMES.filter((m) => this.handlerFor(m) !== undefined).map((m) => m.toUpperCase());
    if (methods.includes('GET') && !methods.includes('HEAD')) methods.push('HEAD');
    return methods;
  }

  private handlerFor(name: MethodName): MethodHandler | undefined {
    const candidate = (this as unknown as Record<string, unknown>)[name];
    return typeof candidate === 'function' ? (candidate as MethodHandler) : undefined;
  }
}

/**
 * Django's RedirectView: redirect to `url` (with `%(param)s` placeholders
 * filled from the URL parameters) or to the named `patternName`; a 410 when
 * neither gives a URL.
 */
export class RedirectView extends View {
  permanent = false;
  url: string | null = null;
  patternName: string | null = null;
  queryString = false;

  getRedirectUrl(): string | null {
    let url: string | null = null;
    if (this.url) {
      url = this.url.replace(/%\((\w+)\)s/g, (_m, key: string) => encodeURIComponent(String(this.params[key] ?? '')));
    } else if (this.patternName) {
      url = this.request.app.reverse(this.patternName, this.params);
    }
    if (url && this.queryString && this.request.queryString) url += `?${this.request.queryString}`;
    return url;
  }

  get(): HttpResponse {
    const url = this.getRedirectUrl();
    if (!url) {
      this.request.app.logger.warn(`Gone: ${this.request.path}`);
      return new HttpResponseGone();
    }
    return this.permanent ? new HttpResponsePermanentRedirect(url) : new HttpResponseRedirect(url);
  }

  head(): HttpResponse {
    return this.get();
  }
  post(): HttpResponse {
    return this.get();
  }
  put(): HttpResponse {
    return this.get();
  }
  patch(): HttpResponse {
    return this.get();
  }
  delete(): HttpResponse {
    return this.get();
  }
}

/**
 * Django's TemplateResponseMixin: render `templateName` through the
 * installed template package (`@manouche/templates`).
 */
export class TemplateResponseMixin extends View {
  templateName: string | null = null;
  contentType: string | undefined = undefined;

  getTemplateNames(): string[] {
    if (!this.templateName) {
      throw new ImproperlyConfigured(`${this.constructor.name} requires either a definition of templateName or an implementation of getTemplateNames().`);
    }
    return [this.templateName];
  }

  renderToResponse(context: Record<string, unknown>, init: ResponseInit = {}): HttpResponse | Promise<HttpResponse> {
    const renderer = this.request.app.templateRenderer;
    if (!renderer) {
      throw new ImproperlyConfigured(`${this.constructor.name} renders a template, but no template engine is installed: add templatesApp() from @manouche/templates to INSTALLED_APPS.`);
    }
    return renderer.renderToResponse(this.request, this.getTemplateNames(), context, { contentType: this.contentType, ...init });
  }
}

/** Django's TemplateView: GET renders `templateName` with the URL params and `extraContext`. */
export class TemplateView extends TemplateResponseMixin {
  extraContext: Record<string, unknown> | null = null;

  /** Override to add to the context (call super to keep the params). */
  getContextData(extra: Record<string, unknown> = {}): Record<string, unknown> | Promise<Record<string, unknown>> {
    return { view: this, ...this.params, ...(this.extraContext ?? {}), ...extra };
  }

  async get(): Promise<HttpResponse> {
    return this.renderToResponse(await this.getContextData());
  }
}
