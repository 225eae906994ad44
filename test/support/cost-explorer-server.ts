// A loopback Cost Explorer speaking the AWS JSON 1.1 protocol (POST /, X-Amz-Target
// AWSInsightsIndexService.<Operation>), so the real SDK client runs against recorded answers from
// test/fixtures/cost-explorer/. `answer` picks the fixture for each request.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ROOT } from './cli.js';

export interface CostExplorerRequest {
  target: string;
  body: {
    TimePeriod?: { Start: string; End: string };
    Granularity?: string;
    Metrics?: string[];
    Filter?: unknown;
    GroupBy?: unknown;
    NextPageToken?: string;
  };
}

export interface CostExplorerServer {
  url: string;
  requests: CostExplorerRequest[];
  /** The fixture file (under test/fixtures/cost-explorer) answering a request. */
  answer: (req: CostExplorerRequest) => string;
  close(): Promise<void>;
}

export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/cost-explorer', name), 'utf8'));
}

export async function startCostExplorerServer(): Promise<CostExplorerServer> {
  const server: CostExplorerServer = {
    url: '',
    requests: [],
    answer: () => {
      throw new Error('no fixture for this request');
    },
    close: () => new Promise((resolve) => http.close(() => resolve())),
  };
  const http = createServer((req, res) => {
    void readBody(req).then((text) => {
      const request: CostExplorerRequest = {
        target: String(req.headers['x-amz-target'] ?? ''),
        body: JSON.parse(text || '{}') as CostExplorerRequest['body'],
      };
      server.requests.push(request);
      let name: string;
      try {
        name = server.answer(request);
      } catch (e) {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify({ __type: 'ValidationException', message: (e as Error).message }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(fixture(name)));
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  server.url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return server;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let s = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (s += c));
    req.on('end', () => resolve(s));
    req.on('error', reject);
  });
}
