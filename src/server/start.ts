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

export function startServer(app: Hono, opts: { host?: string; port?: number } = {}): Promise<RunningServer> {
  const hostname = opts.host ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname, port: opts.port ?? 8080 }, (info: AddressInfo) => {
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
          ? `port ${opts.port} is already in use`
          : err.code === 'EACCES'
            ? `no permission to bind port ${opts.port}`
            : err.message;
      reject(new Error(`cannot listen on ${hostname}:${opts.port}: ${why}`));
    });
  });
}
