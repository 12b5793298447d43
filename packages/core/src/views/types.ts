import type { HttpRequest } from '../http/request';
import type { HttpResponse } from '../http/response';

/** A view: takes the request and the URL's converted parameters, returns a response. */
export type ViewFunction<P = any> = ((request: HttpRequest, params: P) => HttpResponse | Promise<HttpResponse>) & ViewMetadata;

/**
 * Flags decorators leave on a view for middleware to read. Packages add
 * theirs with `declare module '@manouche/core' { interface ViewMetadata { … } }`.
 */
export interface ViewMetadata {
  /** Set by `requireHttpMethods()`: the only methods the view answers. */
  allowedMethods?: readonly string[];
  /** The class a `View.asView()` function was made from. */
  viewClass?: unknown;
  // Other packages add their flags by declaration merging (security's `csrfExempt`…).
}
