// A loopback Cost Explorer (AWS JSON 1.1, X-Amz-Target AWSInsightsIndexService.<Operation>) on the
// shared loopback AWS server (aws-json-server.ts), so the real SDK client runs against recorded
// answers from test/fixtures/cost-explorer/. `answer` picks the fixture for each request.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startAwsJsonServer } from './aws-json-server.js';
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
    close: async () => undefined,
  };
  const http = await startAwsJsonServer((req) => {
    const request: CostExplorerRequest = { target: req.target, body: req.body };
    server.requests.push(request);
    return fixture(server.answer(request));
  });
  server.url = http.url;
  server.close = () => http.close();
  return server;
}
