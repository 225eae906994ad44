// The `pricing:` block of the config file (the lead adds it to configSchema):
//   pricing: { source: api | table, cacheTtlHours: 24, billing: off | cost-explorer, billingAlert: {...} }
import { z } from 'zod';

export const billingAlertSchema = z
  .strictObject({
    percent: z
      .number()
      .positive({ error: 'must be a positive percentage' })
      .max(1000, { error: 'must be at most 1000' })
      .default(10)
      .describe('A final day differs when |billed - estimated| exceeds this share of the estimate...'),
    minUsd: z
      .number()
      .nonnegative({ error: 'must be zero or more US dollars' })
      .default(1)
      .describe('...and exceeds this many US dollars (small days do not alert on rounding).'),
    days: z
      .number()
      .int({ error: 'must be a whole number of days' })
      .min(1, { error: 'must be at least 1' })
      .max(31, { error: 'must be at most 31' })
      .default(3)
      .describe('Consecutive final days an endpoint must differ before the billing-difference alert fires.'),
  })
  .default({ percent: 10, minUsd: 1, days: 3 })
  .describe('When a difference between estimate and bill is an alert.');

export type BillingAlertConfig = z.output<typeof billingAlertSchema>;

export const pricingConfigSchema = z
  .strictObject({
    source: z
      .enum(['api', 'table'])
      .default('api')
      .describe(
        'api: AWS Pricing API GetProducts, cached in the store, bundled table when unreachable; table: bundled table only.',
      ),
    cacheTtlHours: z
      .number()
      .positive({ error: 'must be a positive number of hours' })
      .max(8760, { error: 'must be at most 8760 (a year)' })
      .default(24)
      .describe('How long a price fetched from the Pricing API is reused before asking again.'),
    billing: z
      .enum(['off', 'cost-explorer'])
      .default('off')
      .describe(
        'cost-explorer: the daemon reads the daily SageMaker bill from Cost Explorer (a paid API, about $0.01 a request; results cached) and the report sets it beside the estimate. On cloud: sim the simulated region bills itself.',
      ),
    billingAlert: billingAlertSchema,
  })
  .default({
    source: 'api',
    cacheTtlHours: 24,
    billing: 'off',
    billingAlert: { percent: 10, minUsd: 1, days: 3 },
  })
  .describe('Where hourly instance prices come from, and whether to reconcile them with the bill.');

export type PricingConfig = z.output<typeof pricingConfigSchema>;

const DEFAULTS: PricingConfig = {
  source: 'api',
  cacheTtlHours: 24,
  billing: 'off',
  billingAlert: { percent: 10, minUsd: 1, days: 3 },
};

/** Reads the block from a config that may not have it yet (defaults apply). */
export function pricingConfigOf(config: object): PricingConfig {
  const raw = (config as { pricing?: unknown }).pricing;
  const parsed = pricingConfigSchema.safeParse(raw);
  return parsed.success ? parsed.data : DEFAULTS;
}

/** Whether the daemon reconciles estimates with the bill. */
export function billingEnabled(config: object): boolean {
  return pricingConfigOf(config).billing === 'cost-explorer';
}
