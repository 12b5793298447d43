import { getDefaultApplication, HttpResponse, type HttpRequest, type ResponseInit } from '@manouche/core';
import { engines } from './renderer';
import type { ContextFor } from './typed';

type PostRenderCallback = (response: TemplateResponse) => unknown;

/**
 * Django's TemplateResponse: rendered late (after the view returned and the
 * processTemplateResponse middleware ran), so `templateName` and `context`
 * can still be changed. The test client reads both.
 */
export class TemplateResponse extends HttpResponse {
  override isRendered = false;
  override templateName: string | readonly string[];
  override context: Record<string, unknown>;
  readonly request: HttpRequest;
  private readonly callbacks: PostRenderCallback[] = [];

  constructor(request: HttpRequest, templateName: string | readonly string[], context: object = {}, init: ResponseInit = {}) {
    super('', init);
    this.request = request;
    this.templateName = templateName;
    this.context = context as Record<string, unknown>;
  }

  /** Render the template with the context processors; what render() puts in `content`. */
  get renderedContent(): Promise<string> {
    return engines(this.request.app).renderToString(this.templateName, this.context, this.request);
  }

  /** Run `callback(response)` once rendered (Django's add_post_render_callback). */
  addPostRenderCallback(callback: PostRenderCallback): void {
    if (this.isRendered) callback(this);
    else this.callbacks.push(callback);
  }

  override async render(): Promise<this> {
    if (this.isRendered) return this;
    this.content = await this.renderedContent;
    this.isRendered = true;
    for (const callback of this.callbacks.splice(0)) await callback(this);
    return this;
  }
}

/**
 * Django's render() shortcut: render `templateName` with the context
 * processors and return an HttpResponse (rendered now, asynchronously, so
 * templates may await).
 */
export async function render<N extends string>(request: HttpRequest, templateName: N | readonly N[], context?: ContextFor<N>, init: ResponseInit = {}): Promise<HttpResponse> {
  const response = new HttpResponse(await engines(request.app).renderToString(templateName, context, request), init);
  response.templateName = templateName;
  response.context = (context ?? {}) as Record<string, unknown>;
  return response;
}

/** Django's render_to_string(): without a request, the application created last and no context processors. */
export async function renderToString<N extends string>(templateName: N | readonly N[], context?: ContextFor<N>, request?: HttpRequest): Promise<string> {
  return engines(request?.app ?? getDefaultApplication()).renderToString(templateName, context, request);
}
