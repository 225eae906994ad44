// The billing port over Cost Explorer's GetCostAndUsage: daily UnblendedCost and UsageQuantity of
// Amazon SageMaker in one region, grouped by USAGE_TYPE and by the sagezero:endpoint tag. Every
// request costs about $0.01 (AWS Billing and Cost Management pricing), so the caller caches what it
// gets (src/daemon/billing-task.ts) and the observer counts each request like any other AWS call.
import {
  CostExplorerClient,
  GetCostAndUsageCommand,
  type GetCostAndUsageCommandOutput,
} from '@aws-sdk/client-cost-explorer';
import type { BillingFetch, BillingRow, BillingSource } from '../billing.js';
import type { ApiCallObserver } from '../types.js';
import { TAG_ENDPOINT } from '../../ownership.js';
import { errorCode } from './errors.js';
import { suppressSdkNodeVersionWarning } from './node-warning.js';
import { observeCalls } from './observe.js';

/** Cost Explorer has one endpoint, in us-east-1, whatever region is billed. */
export const COST_EXPLORER_REGION = 'us-east-1';
/** Cost Explorer's SERVICE dimension value for SageMaker (as GetDimensionValues lists it). */
export const SAGEMAKER_SERVICE = 'Amazon SageMaker';
/** A bound on pages: a day has a handful of usage types per endpoint, far below this many pages. */
const MAX_PAGES = 50;

export interface CostExplorerOptions {
  /** The region whose SageMaker cost is read (the REGION dimension). */
  region: string;
  /** A custom endpoint (tests replay recorded answers from a loopback server). */
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  observer?: ApiCallObserver;
  maxAttempts?: number;
}

/** Cost Explorer refused or failed; the message names the operation and AWS's error code. */
export class CostExplorerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CostExplorerError';
  }
}

export function createCostExplorerBilling(options: CostExplorerOptions): BillingSource {
  suppressSdkNodeVersionWarning();
  const client = new CostExplorerClient({
    region: COST_EXPLORER_REGION,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    maxAttempts: options.maxAttempts ?? 3,
  });
  if (options.observer) observeCalls(client.middlewareStack, 'ce', options.observer);

  return {
    kind: 'cost-explorer',
    async fetchDaily(startDay, endDay) {
      const pages: GetCostAndUsageCommandOutput[] = [];
      let token: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        let out: GetCostAndUsageCommandOutput;
        try {
          out = await client.send(
            new GetCostAndUsageCommand({
              TimePeriod: { Start: startDay, End: endDay },
              Granularity: 'DAILY',
              Metrics: ['UnblendedCost', 'UsageQuantity'],
              Filter: {
                And: [
                  { Dimensions: { Key: 'SERVICE', Values: [SAGEMAKER_SERVICE] } },
                  { Dimensions: { Key: 'REGION', Values: [options.region] } },
                ],
              },
              GroupBy: [
                { Type: 'DIMENSION', Key: 'USAGE_TYPE' },
                { Type: 'TAG', Key: TAG_ENDPOINT },
              ],
              ...(token ? { NextPageToken: token } : {}),
            }),
          );
        } catch (e) {
          throw new CostExplorerError(
            `Cost Explorer GetCostAndUsage (${startDay} to ${endDay}) failed: ${errorCode(e)}: ${(e as Error).message}` +
              (errorCode(e) === 'AccessDeniedException'
                ? ' (the daemon needs ce:GetCostAndUsage; see `sagezero iam-policy`)'
                : ''),
          );
        }
        pages.push(out);
        token = out.NextPageToken;
        if (!token) return fromPages(pages);
      }
      throw new CostExplorerError(
        `Cost Explorer GetCostAndUsage (${startDay} to ${endDay}) returned more than ${MAX_PAGES} pages; ask for fewer days`,
      );
    },
  };
}

/**
 * Rows out of GetCostAndUsage pages. A page may continue the previous page's day (the token splits
 * groups, not days), so days are merged by TimePeriod.Start, and a day is estimated if any page says so.
 */
export function fromPages(pages: readonly GetCostAndUsageCommandOutput[]): BillingFetch {
  const estimated = new Map<string, boolean>();
  const rows: BillingRow[] = [];
  for (const page of pages) {
    for (const r of page.ResultsByTime ?? []) {
      const day = r.TimePeriod?.Start;
      if (!day) continue;
      estimated.set(day, (estimated.get(day) ?? false) || r.Estimated === true);
      for (const g of r.Groups ?? []) {
        const [usageType = '', tagKey = ''] = g.Keys ?? [];
        const cost = g.Metrics?.UnblendedCost;
        const usage = g.Metrics?.UsageQuantity;
        rows.push({
          day,
          usageType,
          tag: tagValue(tagKey),
          costUsd: amount(cost?.Amount, `${day} ${usageType} UnblendedCost`),
          usageQuantity: amount(usage?.Amount, `${day} ${usageType} UsageQuantity`),
          unit: usage?.Unit ?? '',
        });
      }
    }
  }
  return { days: [...estimated].map(([day, est]) => ({ day, estimated: est })), rows };
}

/** Tag group keys read `<key>$<value>`; an untagged cost (or an inactive tag) has an empty value. */
export function tagValue(key: string): string {
  const i = key.indexOf('$');
  return i < 0 ? '' : key.slice(i + 1);
}

function amount(text: string | undefined, what: string): number {
  const n = Number(text ?? '0');
  if (!Number.isFinite(n))
    throw new CostExplorerError(`Cost Explorer answered a non-number for ${what}: ${text}`);
  return n;
}
