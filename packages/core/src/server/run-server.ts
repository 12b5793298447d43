import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Application } from '../app/application';

export interface ServeOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Shut down gracefully on SIGTERM and SIGINT (default true). */
  handleSignals?: boolean;
  /** Reuse an existing listening socket (cluster workers share the primary's). */
  exclusive?: boolean;
}

export interface RunningServer {
  server: Server;
  /** `http://host:port` */
  url: string;
  port: number;
  /** Stop accepting, let in-flight requests finish (up to SHUTDOWN_TIMEOUT), then close the app. */
  close(): Promise<void>;
}

/**
 * Serve an app over HTTP with the defences a public server needs: header and
 * request timeouts (slow clients get a 408 and are cut off), keep-alive
 * limits, and graceful shutdown.
 */
export async function runServer(app: Application, options: ServeOptions = {}): Promise<RunningServer> {
  await app.ready();
  const s = app.settings;
  const headersTimeout = s.HTTP_HEADERS_TIMEOUT * 1000;
  const server = createServer(
    {
      headersTimeout,
      requestTimeout: s.HTTP_REQUEST_TIMEOUT * 1000,
      keepAliveTimeout: s.HTTP_KEEP_ALIVE_TIMEOUT * 1000,
      // node checks the timeouts on this interval (30s by default): slower than the timeouts themselves
      connectionsCheckingInterval: Math.max(100, Math.min(1000, headersTimeout / 2)),
      requireHostHeader: false,
    },
    app.listener,
  );
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return;
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${status.length}\r\n\r\n${status}`);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 8000, exclusive: options.exclusive }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      app.shuttingDown = true;
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const force = setTimeout(() => server.closeAllConnections(), s.SHUTDOWN_TIMEOUT * 1000);
      force.unref();
      await drained;
      clearTimeout(force);
      await app.close();
    })();
    return closing;
  };

  if (options.handleSignals ?? true) {
    const onSignal = (signal: NodeJS.Signals): void => {
      app.logger.info(`${signal} received: finishing in-flight requests, then shutting down`);
      close().then(
        () => process.exit(0),
        (error: unknown) => {
          app.logger.error('Shutdown failed', { error: error as Error });
          process.exit(1);
        },
      );
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
    server.once('close', () => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    });
  }

  return { server, url: `http://${hostForUrl}:${address.port}`, port: address.port, close };
}
