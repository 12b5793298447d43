import type { HttpRequest } from '../http/request';
import type { HttpResponse, ResponseInit } from '../http/response';

/**
 * What a template engine provides to core: TemplateView and the error pages
 * render through it. `@manouche/templates` registers one when installed.
 */
export interface TemplateRenderer {
  renderToResponse(request: HttpRequest, templateName: string | readonly string[], context: Record<string, unknown>, init?: ResponseInit): HttpResponse | Promise<HttpResponse>;
}
