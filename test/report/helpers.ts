// Builders for report tests: a config with endpoints, and a price resolver over a store.
import type { Clock } from '../../src/clock.js';
import type { Config, EndpointConfig } from '../../src/config/load.js';
import { resolveScaling } from '../../src/config/scaling-schema.js';
import { PriceResolver } from '../../src/cost/prices.js';
import type { Store } from '../../src/store/index.js';

export function endpoint(
  name: string,
  opts: Partial<
    Pick<EndpointConfig, 'instanceType' | 'pricePerHourUsd' | 'baselineInstances' | 'variantName'>
  > & {
    minCapacity?: number;
  } = {},
): EndpointConfig {
  return {
    name,
    variantName: opts.variantName ?? 'AllTraffic',
    model: { image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/x:1' },
    executionRoleArn: 'arn:aws:iam::123456789012:role/x',
    instanceType: opts.instanceType ?? 'ml.g5.xlarge',
    initialInstanceCount: 1,
    async: {},
    tags: {},
    scaling: resolveScaling({
      preset: 'aws-recommended',
      ...(opts.minCapacity !== undefined ? { minCapacity: opts.minCapacity } : {}),
    }),
    ...(opts.pricePerHourUsd !== undefined ? { pricePerHourUsd: opts.pricePerHourUsd } : {}),
    ...(opts.baselineInstances !== undefined ? { baselineInstances: opts.baselineInstances } : {}),
  } as EndpointConfig;
}

export function config(endpoints: EndpointConfig[], extra: Partial<Config> = {}): Config {
  return {
    version: 1,
    project: 'test',
    region: 'us-east-1',
    cloud: 'sim',
    store: './var/sagezero.db',
    sim: { bootSeconds: 480, seed: 1, accountId: '123456789012' },
    jumpstart: {},
    endpoints,
    realtimeEndpoints: [],
    file: '/tmp/test.yaml',
    storePath: ':memory:',
    warnings: [],
    ...extra,
  } as Config;
}

/** A resolver that uses the bundled table only (no Pricing API). */
export function tablePrices(store: Store, clock: Clock): PriceResolver {
  return new PriceResolver({ store, clock, pricing: { source: 'table', cacheTtlHours: 24 } });
}

export async function addSteps(
  store: Store,
  name: string,
  steps: [number, number][],
  variant = 'AllTraffic',
): Promise<void> {
  for (const [at, count] of steps)
    await store.instances.insert({ endpoint: name, variant, at, count, source: 'poll' });
}
