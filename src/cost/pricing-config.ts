// The `pricing:` block of the config file (the lead adds it to configSchema):
//   pricing: { source: api | table, cacheTtlHours: 24 }
import { z } from 'zod';

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
  })
  .default({ source: 'api', cacheTtlHours: 24 })
  .describe('Where hourly instance prices come from.');

export type PricingConfig = z.output<typeof pricingConfigSchema>;

/** Reads the block from a config that may not have it yet (defaults apply). */
export function pricingConfigOf(config: object): PricingConfig {
  const raw = (config as { pricing?: unknown }).pricing;
  const parsed = pricingConfigSchema.safeParse(raw);
  return parsed.success ? parsed.data : { source: 'api', cacheTtlHours: 24 };
}
