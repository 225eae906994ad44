// Serves an app on @hono/node-server and hands back its URL and a close() that waits for the
// listener to stop.
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import type { AddressInfo } from 'node:net';

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * The listener could not bind: a busy port or a privileged one is the user's setup, not a bug, so
 * callers that own the flags (serve, start) can turn it into advice on choosing another port.
 */
export class ListenError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly host: string,
    readonly port: number,
  ) {
    super(message);
    this.name = 'ListenError';
  }
}

export function startServer(app: Hono, opts: { host?: string; port?: number } = {}): Promise<RunningServer> {
  const hostname = opts.host ?? '127.0.0.1';
  const port = opts.port ?? 8080;
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname, port }, (info: AddressInfo) => {
      const host = info.family === 'IPv6' || hostname.includes(':') ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${host}:${info.port}`,
        port: info.port,
        close: () =>
          new Promise<void>((res, rej) => {
            server.close((err) => (err ? rej(err) : res()));
            // Keep-alive connections (a browser, a scraper) would hold close() open.
            (server as { closeAllConnections?: () => void }).closeAllConnections?.();
          }),
      });
    });
    server.once('error', (err: NodeJS.ErrnoException) => {
      const why =
        err.code === 'EADDRINUSE'
          ? `port ${port} is already in use`
          : err.code === 'EACCES'
            ? `no permission to bind port ${port}`
            : err.code === 'EADDRNOTAVAIL'
              ? `${hostname} is not an address of this machine`
              : err.message;
      reject(new ListenError(`cannot listen on ${hostname}:${port}: ${why}`, err.code, hostname, port));
    });
  });
}
