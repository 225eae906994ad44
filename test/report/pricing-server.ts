// A loopback stand-in for the AWS Price List Query API: answers GetProducts in the AWS JSON 1.1
// protocol (POST /, X-Amz-Target: AWSPriceListService.GetProducts), so the real SDK client runs.
import { createServer, type IncomingMessage, type Server } from 'node:http';

export interface GetProductsRequestSeen {
  target: string | undefined;
  contentType: string | undefined;
  authorization: string | undefined;
  body: {
    ServiceCode?: string;
    FormatVersion?: string;
    NextToken?: string;
    Filters?: { Type: string; Field: string; Value: string }[];
  };
}

export interface PricingServer {
  url: string;
  requests: GetProductsRequestSeen[];
  /** Pages to answer with, in order; each is a list of PriceList entries (strings as AWS sends). */
  pages: string[][];
  /** When set, every request gets this HTTP status and an AWS JSON error body. */
  failWith?: number;
  close(): Promise<void>;
}

export async function startPricingServer(): Promise<PricingServer> {
  const state: Omit<PricingServer, 'url' | 'close'> = { requests: [], pages: [[]] };
  const server: Server = createServer((req, res) => {
    void readBody(req).then((text) => {
      const body = JSON.parse(text || '{}') as GetProductsRequestSeen['body'];
      state.requests.push({
        target: header(req, 'x-amz-target'),
        contentType: header(req, 'content-type'),
        authorization: header(req, 'authorization'),
        body,
      });
      if (state.failWith) {
        res.writeHead(state.failWith, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify({ __type: 'InternalErrorException', message: 'stand-in failure' }));
        return;
      }
      if (header(req, 'x-amz-target') !== 'AWSPriceListService.GetProducts') {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify({ __type: 'InvalidParameterException', message: 'unexpected target' }));
        return;
      }
      const page = body.NextToken ? Number(body.NextToken) : 0;
      const out: Record<string, unknown> = { FormatVersion: 'aws_v1', PriceList: state.pages[page] ?? [] };
      if (page + 1 < state.pages.length) out.NextToken = String(page + 1);
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(out));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const s = state as PricingServer;
  s.url = `http://127.0.0.1:${port}`;
  s.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return s;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * One Price List item shaped like shared/data/pricing/example_pricelist_item.RECONSTRUCTED.json:
 * RECONSTRUCTED from public evidence, not a verbatim AWS response (SKUs and rate codes are
 * placeholders). `usageType` picks async (`USE1-AsyncInf:`) or real-time (`USE1-Host:`) hosting.
 */
export function reconstructedPriceItem(opts: {
  instanceType: string;
  usd: string;
  usageType: string;
  region?: string;
  unit?: string;
  extraDimensions?: Record<string, unknown>;
}): string {
  const region = opts.region ?? 'us-east-1';
  const sku = 'XXXXXXXXXXXXXXXX';
  return JSON.stringify({
    product: {
      productFamily: 'ML Instance',
      sku,
      attributes: {
        servicecode: 'AmazonSageMaker',
        servicename: 'Amazon SageMaker',
        location: 'US East (N. Virginia)',
        locationType: 'AWS Region',
        regionCode: region,
        instanceName: opts.instanceType,
        instanceType: `${opts.instanceType}-Hosting`,
        component: 'Hosting',
        platoinstancetype: opts.usageType.includes('AsyncInf') ? 'AsyncInf' : 'Hosting',
        usagetype: opts.usageType,
        operation: 'RunInstance',
        gpu: '1',
        currentGeneration: 'Yes',
      },
    },
    serviceCode: 'AmazonSageMaker',
    terms: {
      OnDemand: {
        [`${sku}.JRTCKXETXF`]: {
          offerTermCode: 'JRTCKXETXF',
          sku,
          effectiveDate: '2025-01-01T00:00:00Z',
          termAttributes: {},
          priceDimensions: {
            [`${sku}.JRTCKXETXF.6YS6EN2CT7`]: {
              rateCode: `${sku}.JRTCKXETXF.6YS6EN2CT7`,
              description: `$${Number(opts.usd)} per Hosting ${opts.instanceType} hour in US East (N. Virginia)`,
              beginRange: '0',
              endRange: 'Inf',
              unit: opts.unit ?? 'Hrs',
              appliesTo: [],
              pricePerUnit: { USD: opts.usd },
            },
            ...(opts.extraDimensions ?? {}),
          },
        },
      },
    },
    version: 'XXXXXXXXXXXXXX',
    publicationDate: '2025-01-01T00:00:00Z',
  });
}
