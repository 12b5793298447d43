import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { type Application, consoleLogger, createApp, type HttpRequest } from '@manouche/core';
import { resolveSettings, type ResolvedSettings } from '../settings';
import type { ExpressOptions } from './types';

/**
 * Lets the Express adapters run the very checks the Manouche middleware runs:
 * a settings-only Manouche application (no URLs, no middleware) turns each
 * node request into an HttpRequest, with its ALLOWED_HOSTS check, proxy
 * handling (SECURE_PROXY_SSL_HEADER, USE_X_FORWARDED_HOST, TRUSTED_PROXIES)
 * and cookie parsing. The body is left to Express's body parsers.
 */
export class Bridge {
  readonly app: Application;
  readonly settings: ResolvedSettings;
  private readonly requests = new WeakMap<IncomingMessage, HttpRequest>();

  constructor(options: ExpressOptions) {
    const { logger, ...settings } = options;
    this.app = createApp({
      // nothing here signs anything; a random key only satisfies start-up checks
      settings: { SECRET_KEY: randomBytes(48).toString('base64url'), ...settings, MIDDLEWARE: [], INSTALLED_APPS: [] },
      urls: [],
      env: {},
      global: false,
      logger: logger ?? consoleLogger(),
    });
    this.settings = resolveSettings(this.app.settings);
  }

  /** The HttpRequest for a node request, made once per request. */
  request(req: IncomingMessage): HttpRequest {
    let request = this.requests.get(req);
    if (!request) {
      request = this.app.createRequest({
        method: req.method ?? 'GET',
        // what the client sent, not what a mounted router sees
        url: (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/',
        headers: req.headers,
        body: null,
        remoteAddress: req.socket?.remoteAddress,
        encrypted: (req.socket as TLSSocket | undefined)?.encrypted === true,
      });
      // express-session (or any session middleware) puts the session on the node request
      Object.defineProperty(request, 'session', { get: () => (req as { session?: unknown }).session });
      this.requests.set(req, request);
    }
    return request;
  }
}
