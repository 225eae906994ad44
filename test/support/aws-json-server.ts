// A loopback AWS service speaking the AWS JSON 1.1 protocol (POST /, X-Amz-Target
// <Service>.<Operation>, JSON body), so the real SDK clients run against answers a test chooses:
// Cost Explorer fixtures (cost-explorer-server.ts), SageMaker and Application Auto Scaling history
// (test/calibrate/aws-history-server.ts). SageMaker, Application Auto Scaling and Cost Explorer all
// speak JSON 1.1; CloudWatch does not (JSON 1.0, query-compatible) and is left to moto.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AwsJsonRequest {
  /** X-Amz-Target, e.g. "SageMaker.DescribeEndpoint". */
  target: string;
  body: Record<string, unknown>;
}

/** Thrown by an answer: sent as an AWS JSON error (`__type`) with this HTTP status. */
export class AwsJsonError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export interface AwsJsonServer {
  url: string;
  requests: AwsJsonRequest[];
  close(): Promise<void>;
}

/**
 * Serves `answer(request)` as the response body. A thrown AwsJsonError is that error; anything else
 * thrown is a ValidationException carrying its message, so a request the test did not expect fails
 * the SDK call with a message saying why.
 */
export async function startAwsJsonServer(answer: (req: AwsJsonRequest) => unknown): Promise<AwsJsonServer> {
  const requests: AwsJsonRequest[] = [];
  const http = createServer((req, res) => {
    void readBody(req).then((text) => {
      const request: AwsJsonRequest = {
        target: String(req.headers['x-amz-target'] ?? ''),
        body: JSON.parse(text || '{}') as Record<string, unknown>,
      };
      requests.push(request);
      let body: unknown;
      try {
        body = answer(request);
      } catch (e) {
        const err =
          e instanceof AwsJsonError
            ? e
            : new AwsJsonError('ValidationException', e instanceof Error ? e.message : String(e));
        res.writeHead(err.status, {
          'content-type': 'application/x-amz-json-1.1',
          'x-amzn-errortype': err.code,
        });
        res.end(JSON.stringify({ __type: err.code, message: err.message }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise((resolve) => http.close(() => resolve())),
  };
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
