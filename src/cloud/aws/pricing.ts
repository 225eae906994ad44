// The AWS Price List Query API (GetProducts) for SageMaker hosting prices. The API lives in
// us-east-1 whatever region is priced. Filters follow what public code that reads the live data
// does (shared/data/README.md): ServiceCode=AmazonSageMaker and TERM_MATCH on regionCode,
// instanceName and component=Hosting. Among the products returned, the asynchronous-inference
// usage type (`<PREFIX>-AsyncInf:<type>`) wins; real-time hosting (`<PREFIX>-Host:<type>`) is the
// fallback, and only hourly ("Hrs") on-demand price dimensions count.
import { GetProductsCommand, PricingClient } from '@aws-sdk/client-pricing';
import type { PriceApi, PriceQuote } from '../../cost/price-api.js';
import type { ApiCallObserver } from '../types.js';
import { suppressSdkNodeVersionWarning } from './node-warning.js';
import { observeCalls } from './observe.js';

export const PRICING_API_REGION = 'us-east-1';
const MAX_PAGES = 10;

export interface PricingApiOptions {
  /** A custom endpoint (tests serve GetProducts from a loopback server). */
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  observer?: ApiCallObserver;
  /** Per-request timeout; a report should not hang on an unreachable price API. */
  requestTimeoutMs?: number;
  maxAttempts?: number;
}

/** The Price List answered, but with something that is not a usable price document. */
export class PriceListFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PriceListFormatError';
  }
}

export function createPricingApi(options: PricingApiOptions = {}): PriceApi {
  suppressSdkNodeVersionWarning();
  const client = new PricingClient({
    region: PRICING_API_REGION,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    maxAttempts: options.maxAttempts ?? 2,
    requestHandler: {
      connectionTimeout: Math.min(5000, options.requestTimeoutMs ?? 10_000),
      requestTimeout: options.requestTimeoutMs ?? 10_000,
    },
  });
  if (options.observer) observeCalls(client.middlewareStack, 'pricing', options.observer);

  return {
    async getHourlyPrice(region, instanceType) {
      const items: unknown[] = [];
      let nextToken: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const out = await client.send(
          new GetProductsCommand({
            ServiceCode: 'AmazonSageMaker',
            FormatVersion: 'aws_v1',
            Filters: [
              { Type: 'TERM_MATCH', Field: 'regionCode', Value: region },
              { Type: 'TERM_MATCH', Field: 'instanceName', Value: instanceType },
              { Type: 'TERM_MATCH', Field: 'component', Value: 'Hosting' },
            ],
            MaxResults: 100,
            ...(nextToken ? { NextToken: nextToken } : {}),
          }),
        );
        items.push(...((out.PriceList as unknown[] | undefined) ?? []));
        nextToken = out.NextToken;
        if (!nextToken) break;
      }
      return selectHourlyPrice(items, instanceType);
    },
  };
}

interface Candidate extends PriceQuote {
  beginsAtZero: boolean;
}

/**
 * Picks the hourly price for `instanceType` out of GetProducts' PriceList (JSON strings, or already
 * parsed objects). Items that do not parse are skipped when another item gives a price; when none
 * does, the first problem is thrown as a PriceListFormatError.
 */
export function selectHourlyPrice(items: readonly unknown[], instanceType: string): PriceQuote | undefined {
  const problems: string[] = [];
  const found: Candidate[] = [];
  items.forEach((raw, i) => {
    let doc: unknown;
    try {
      doc =
        typeof raw === 'string'
          ? JSON.parse(raw)
          : typeof raw === 'object' && raw !== null && !isStringLike(raw)
            ? raw
            : JSON.parse(String(raw));
    } catch (e) {
      problems.push(`PriceList[${i}] is not valid JSON (${(e as Error).message})`);
      return;
    }
    try {
      found.push(...candidatesOf(doc, instanceType));
    } catch (e) {
      problems.push(`PriceList[${i}]: ${(e as Error).message}`);
    }
  });
  const pick = (kind: 'async' | 'realtime'): PriceQuote | undefined => {
    const c = found.filter((x) => x.kind === kind);
    const best = c.find((x) => x.usdPerHour > 0 && x.beginsAtZero) ?? c.find((x) => x.usdPerHour > 0) ?? c[0];
    if (!best) return undefined;
    const { beginsAtZero: _, ...quote } = best;
    return quote;
  };
  const quote = pick('async') ?? pick('realtime');
  if (!quote && problems.length > 0) {
    throw new PriceListFormatError(`the Pricing API answered with an unusable price list: ${problems[0]}`);
  }
  return quote;
}

function isStringLike(v: object): boolean {
  // The SDK may hand back LazyJsonString objects (String subclasses) for JSON-in-a-string members.
  return v instanceof String;
}

function candidatesOf(doc: unknown, instanceType: string): Candidate[] {
  const product = field(doc, 'product');
  const attributes = field(product, 'attributes');
  if (typeof attributes !== 'object' || attributes === null) throw new Error('has no product.attributes');
  const usageType = str(field(attributes, 'usagetype'));
  const instanceName = str(field(attributes, 'instanceName'));
  if (!usageType) throw new Error('has no product.attributes.usagetype');
  // The instanceType attribute carries a "-Hosting" suffix of varying case: match instanceName.
  if (instanceName !== undefined && instanceName !== instanceType) return [];
  let kind: 'async' | 'realtime';
  if (usageType.includes('-AsyncInf:')) kind = 'async';
  else if (usageType.includes('-Host:')) kind = 'realtime';
  else return [];
  if (!usageType.endsWith(`:${instanceType}`)) return [];

  const onDemand = field(field(doc, 'terms'), 'OnDemand');
  if (typeof onDemand !== 'object' || onDemand === null)
    throw new Error(`${usageType} has no terms.OnDemand`);
  const out: Candidate[] = [];
  for (const term of Object.values(onDemand as Record<string, unknown>)) {
    const dims = field(term, 'priceDimensions');
    if (typeof dims !== 'object' || dims === null) continue;
    for (const dim of Object.values(dims as Record<string, unknown>)) {
      if (str(field(dim, 'unit')) !== 'Hrs') continue;
      const usdText = str(field(field(dim, 'pricePerUnit'), 'USD'));
      const usd = usdText === undefined ? Number.NaN : Number(usdText);
      if (!Number.isFinite(usd) || usd < 0) {
        throw new Error(`${usageType} has a price that is not a number: ${JSON.stringify(usdText ?? null)}`);
      }
      const c: Candidate = {
        usdPerHour: usd,
        usageType,
        kind,
        beginsAtZero: (str(field(dim, 'beginRange')) ?? '0') === '0',
      };
      const description = str(field(dim, 'description'));
      if (description) c.description = description;
      const effective = str(field(term, 'effectiveDate'));
      if (effective) c.effectiveDate = effective;
      out.push(c);
    }
  }
  return out;
}

function field(v: unknown, key: string): unknown {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
