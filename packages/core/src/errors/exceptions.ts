/**
 * The exceptions a view or middleware may raise to produce an HTTP error.
 * Each carries its status and a stable `code`, so handlers and tests can
 * branch on the code instead of on message text.
 */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.status = status;
    this.code = code;
  }
}

/** Raised for "not found": the resolver, `get()` shortcuts, or a view. Becomes a 404. */
export class Http404 extends HttpError {
  constructor(message = 'Not Found') {
    super(404, 'not_found', message);
  }
}

/** The URL matched no pattern. Carries the patterns tried, for the DEBUG 404 page. */
export class Resolver404 extends Http404 {
  readonly path: string;
  readonly tried: string[];
  constructor(path: string, tried: string[]) {
    super(`No URL pattern matches ${JSON.stringify(path)}`);
    this.path = path;
    this.tried = tried;
  }
}

/** The user may not do this. Becomes a 403. */
export class PermissionDenied extends HttpError {
  constructor(message = 'Permission denied') {
    super(403, 'permission_denied', message);
  }
}

/** The request is malformed. Becomes a 400. */
export class BadRequest extends HttpError {
  constructor(message = 'Bad Request', code = 'bad_request') {
    super(400, code, message);
  }
}

/**
 * The request looks like an attack or is otherwise suspicious. Becomes a 400
 * whose body never repeats the detail; the detail goes to the log.
 */
export class SuspiciousOperation extends HttpError {
  constructor(message: string, code = 'suspicious_operation') {
    super(400, code, message);
  }
}

/** The Host header is not in ALLOWED_HOSTS (or is malformed). */
export class DisallowedHost extends SuspiciousOperation {
  constructor(message: string) {
    super(message, 'disallowed_host');
  }
}

/** A redirect target with a forbidden scheme or CR/LF characters. */
export class DisallowedRedirect extends SuspiciousOperation {
  constructor(message: string) {
    super(message, 'disallowed_redirect');
  }
}

/** More form fields than DATA_UPLOAD_MAX_NUMBER_FIELDS. */
export class TooManyFieldsSent extends SuspiciousOperation {
  constructor(limit: number) {
    super(`The number of GET/POST parameters exceeded DATA_UPLOAD_MAX_NUMBER_FIELDS (${limit}).`, 'too_many_fields');
  }
}

/** More files than DATA_UPLOAD_MAX_NUMBER_FILES. */
export class TooManyFilesSent extends SuspiciousOperation {
  constructor(limit: number) {
    super(`The number of files exceeded DATA_UPLOAD_MAX_NUMBER_FILES (${limit}).`, 'too_many_files');
  }
}

/** The body is larger than the configured limit. Becomes a 413. */
export class RequestDataTooBig extends HttpError {
  constructor(message: string) {
    super(413, 'request_too_large', message);
  }
}

/** The URL is longer than MAX_URL_LENGTH. Becomes a 414. */
export class UrlTooLong extends HttpError {
  constructor(limit: number) {
    super(414, 'url_too_long', `The request URL is longer than MAX_URL_LENGTH (${limit} characters).`);
  }
}

/** The method is not accepted by the view. Becomes a 405 with an Allow header. */
export class MethodNotAllowed extends HttpError {
  readonly allowed: readonly string[];
  constructor(method: string, allowed: readonly string[]) {
    super(405, 'method_not_allowed', `Method ${JSON.stringify(method)} is not allowed; allowed: ${allowed.join(', ')}`);
    this.allowed = allowed;
  }
}

/** The body's media type is not one the view can read. Becomes a 415. */
export class UnsupportedMediaType extends HttpError {
  constructor(message: string) {
    super(415, 'unsupported_media_type', message);
  }
}

/**
 * The project is misconfigured (a setting is missing or invalid). Raised at
 * start-up, never caught into a response: the process should not serve.
 */
export class ImproperlyConfigured extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImproperlyConfigured';
  }
}
