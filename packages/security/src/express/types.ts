import type { IncomingMessage, ServerResponse } from 'node:http';
import { consoleLogger, type Logger } from '@manouche/core';
import type { SecurityOptions } from '../settings';

/** A Connect/Express middleware. */
export type ConnectMiddleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/** The settings (Django's names) plus where to log. */
export interface ExpressOptions extends SecurityOptions {
  /** Where refusals are logged (default: core's console logger). */
  logger?: Logger;
}

export function loggerOf(options: ExpressOptions): Logger {
  return options.logger ?? consoleLogger();
}

/** Express's `res.locals`, when there is one. */
export function locals(res: ServerResponse): Record<string, unknown> | undefined {
  const value = (res as { locals?: unknown }).locals;
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}

/** True when the client asked for JSON rather than a page. */
export function wantsJson(req: IncomingMessage): boolean {
  const accept = req.headers.accept;
  return accept !== undefined && accept.includes('json') && !accept.includes('text/html');
}

/** End the response with a status and a page or JSON body. */
export function sendError(req: IncomingMessage, res: ServerResponse, status: number, html: string, json: unknown, headers: Record<string, string> = {}): void {
  const asJson = wantsJson(req);
  const body = asJson ? JSON.stringify(json) : html;
  res.writeHead(status, { ...headers, 'content-type': asJson ? 'application/json' : 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/**
 * Run `fn` just before the response headers are written, once: the moment to
 * add headers that depend on what the route did (a CSRF cookie, a nonce).
 * Node writes implicit headers through `writeHead` too, so this catches
 * `res.end()`, `res.write()` and `res.send()` alike.
 */
export function beforeHeaders(res: ServerResponse, fn: () => void): void {
  const writeHead = res.writeHead;
  let done = false;
  res.writeHead = function patched(this: ServerResponse, ...args: unknown[]) {
    if (!done) {
      done = true;
      fn();
    }
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse['writeHead'];
}

/** Append a Set-Cookie line, replacing an earlier one for the same cookie name. */
export function appendSetCookie(res: ServerResponse, name: string, line: string): void {
  const current = res.getHeader('set-cookie');
  const lines = current === undefined ? [] : Array.isArray(current) ? current : [String(current)];
  res.setHeader('set-cookie', [...lines.filter((l) => !l.startsWith(`${name}=`)), line]);
}
