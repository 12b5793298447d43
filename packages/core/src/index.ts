// Application
export { Application, createApp, getDefaultApplication, reverse } from './app/application';
export type { CreateAppOptions, RequestSignals } from './app/application';
export { defineApp } from './apps/app-config';
export type { AppConfig } from './apps/app-config';

// Settings
export { buildSettings, configure, coreDefaults, defineSettings, getSettings, settings, settingsConfigured } from './conf/settings';
export type { BuildSettingsOptions, Settings, UserSettings } from './conf/settings';
export { secretKeyProblem } from './conf/secret-key';

// HTTP
export { HttpRequest, RawPostDataException } from './http/request';
export type { RequestInit } from './http/request';
export {
  HttpResponse,
  HttpResponseBadRequest,
  HttpResponseForbidden,
  HttpResponseGone,
  HttpResponseNotAllowed,
  HttpResponseNotFound,
  HttpResponseNotModified,
  HttpResponsePermanentRedirect,
  HttpResponseRedirect,
  HttpResponseServerError,
  JsonResponse,
  StreamingHttpResponse,
} from './http/response';
export type { ResponseInit, StreamingContent } from './http/response';
export { FileResponse } from './http/file-response';
export type { FileResponseOptions } from './http/file-response';
export { conditionalResponse } from './http/conditional';
export type { Validators } from './http/conditional';
export { QueryDict } from './http/query-dict';
export { MultiValueDict, MutableMultiValueDict } from './http/multi-value-dict';
export { UploadedFile } from './http/uploaded-file';
export { ResponseHeaders, BadHeaderError } from './http/headers';
export { parseCookies, serializeCookie } from './http/cookies';
export type { Cookie, CookieOptions, SameSite } from './http/cookies';
export { isHostAllowed, splitDomainPort } from './http/hosts';
export { guessContentType } from './http/mime-types';
export { addNeverCacheHeaders, hasVaryHeader, patchCacheControl, patchVaryHeaders } from './http/vary';
export { ClientDisconnected } from './http/read-body';
export { writeResponse, finalHeaders } from './http/write-response';

// URLs
export { include, NoReverseMatch, path, registerConverter, reverseWith, UrlResolver } from './urls/index';
export type { CompiledRoute, Converter, ConverterTypes, Included, ParamsOf, PathOptions, ResolverMatch, ReverseOptions, UrlEntry, UrlInclude, UrlModule, UrlPattern } from './urls/index';

// Middleware
export { defineMiddleware, isPromise, thenResponse } from './middleware/types';
export type { Awaitable, Handler, Middleware, MiddlewareInstance } from './middleware/types';
export { commonMiddleware, escapeLeadingSlashes } from './middleware/common';
export { conditionalGetMiddleware, etagFor } from './middleware/conditional-get';

// Views
export type { ViewFunction, ViewMetadata } from './views/types';
export { requireGET, requireHttpMethods, requirePOST, requireSafe } from './views/decorators';
export { HTTP_METHOD_NAMES, RedirectView, TemplateResponseMixin, TemplateView, View } from './views/generic';
export { redirect } from './views/shortcuts';
export type { TemplateRenderer } from './views/template-renderer';

// Errors
export {
  BadRequest,
  DisallowedHost,
  DisallowedRedirect,
  Http404,
  HttpError,
  ImproperlyConfigured,
  MethodNotAllowed,
  PermissionDenied,
  RequestDataTooBig,
  Resolver404,
  SuspiciousOperation,
  TooManyFieldsSent,
  TooManyFilesSent,
  UnsupportedMediaType,
  UrlTooLong,
} from './errors/exceptions';
export { defaultErrorResponse, prefersJson } from './errors/error-views';
export type { ErrorHandlers, ErrorView } from './errors/error-views';
export { cleansedSettings, technical404Response, technical500Response } from './errors/debug-page';

// HTML
export { conditionalEscape, escape, escapeHtml, escapeJs, formatHtml, formatHtmlJoin, isSafe, jsonScript, markSafe, SafeString, stringify } from './html/index';

// Signing
export { b64Decode, b64Encode, constantTimeCompare, dumps, loads, saltedHmac, Signer, TimestampSigner } from './signing/signer';
export type { HashAlgorithm, SignerOptions } from './signing/signer';
export { BadSignature, SignatureExpired } from './signing/errors';

// Signals
export { Signal } from './signals/signal';
export type { ConnectOptions, Receiver } from './signals/signal';

// Static files
export { staticFilesMiddleware } from './staticfiles/middleware';
export { staticPatterns, serveFromRoots } from './staticfiles/serve';
export { staticRoots, staticUrl } from './staticfiles/finders';
export { resolveInside } from './staticfiles/safe-path';

// Server, CLI, checks
export { runServer } from './server/run-server';
export type { RunningServer, ServeOptions } from './server/run-server';
export { executeFromCommandLine } from './cli/execute';
export type { ExecuteOptions, ProjectLoader } from './cli/execute';
export { CommandError, defineCommand } from './cli/command';
export type { Command, CommandContext, CommandOption } from './cli/command';
export { Progress } from './cli/progress';
export { defineCheck, isSerious, runChecks } from './checks/registry';
export type { Check, CheckLevel, CheckMessage, CheckOptions } from './checks/registry';

// Logging
export { consoleLogger } from './log/logger';
export type { Logger, LogLevel } from './log/logger';

// Testing
export { Client } from './testing/client';
export type { ClientOptions, ClientRequestOptions, TestResponse } from './testing/client';
export type { FormData as TestFormData, TestFile } from './testing/multipart-body';

// Validation (Django's django.core.validators and ValidationError), shared by the ORM and forms
export * from './validators/index';

// Cache keys shared by the template and cache packages
export { makeTemplateFragmentKey } from './cache-keys/fragment-key';
