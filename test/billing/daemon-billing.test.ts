// The daemon's billing controller, wired: registered only with pricing.billing on, run under the
// lease, and its reconciliation fed to the alerts (only the billing rule in scope).
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock.js';
import type { BillingSource } from '../../src/cloud/billing.js';
import { FakeCloud } from '../../src/cloud/fake.js';
import { parseConfig } from '../../src/config/load.js';
import { PriceResolver } from '../../src/cost/prices.js';
import { startDaemon } from '../../src/daemon/daemon.js';
import { createLogger } from '../../src/daemon/logger.js';
import { ClockScheduler } from '../../src/daemon/scheduler.js';
import { Redactor } from '../../src/secrets.js';
import { openStore } from '../../src/store/index.js';
import { Writable } from 'node:stream';

const yaml = (pricing: string) => `region: us-east-1
project: bill
${pricing}
endpoints:
  - name: llm
    model: { image: 763104351884.dkr.ecr.us-east-1.amazonaws.com/x:1 }
    executionRoleArn: arn:aws:iam::123456789012:role/SageMakerExecution
    instanceType: ml.g5.12xlarge
    pricePerHourUsd: 7
    async: { outputPath: s3://bill-bucket/out/ }
`;

/** Billed $140 on 03-01, Cost Explorer's month closed (not estimated). */
const source = (): BillingSource & { calls: string[] } => {
  const calls: string[] = [];
  return {
    kind: 'cost-explorer',
    calls,
    fetchDaily(start, end) {
      calls.push(`${start}/${end}`);
      return Promise.resolve({
        days: [{ day: '2026-03-01', estimated: false }],
        rows: [
          {
            day: '2026-03-01',
            usageType: 'USE1-AsyncInf:ml.g5.12xlarge',
            tag: 'llm',
            costUsd: 140,
            usageQuantity: 20,
            unit: 'Hrs',
          },
        ],
      });
    },
  };
};

async function daemonWith(pricing: string, billing: BillingSource) {
  const clock = new VirtualClock(Date.parse('2026-03-02T05:00:00Z'));
  const store = await openStore(':memory:');
  // 10 h at $7 on 03-01: $70 estimated against $140 billed.
  await store.instances.insert({
    endpoint: 'llm',
    variant: 'AllTraffic',
    at: Date.parse('2026-03-01T00:00:00Z'),
    count: 1,
    source: 'poll',
  });
  await store.instances.insert({
    endpoint: 'llm',
    variant: 'AllTraffic',
    at: Date.parse('2026-03-01T10:00:00Z'),
    count: 0,
    source: 'poll',
  });
  const config = parseConfig(yaml(pricing), '/tmp/bill.yaml', {});
  const daemon = await startDaemon({
    config,
    cloud: new FakeCloud(),
    clock,
    scheduler: new ClockScheduler(clock),
    store,
    log: createLogger(new Redactor(), new Writable({ write: (_c, _e, done) => done() })),
    prices: new PriceResolver({ store, clock, pricing: config.pricing }),
    listen: false,
    leaseClock: clock,
    billing,
  });
  return { clock, store, daemon };
}

describe('the billing controller in the daemon', () => {
  it('reads the bill at 06:00 and fires billing-difference after a differing final day (days: 1)', async () => {
    const bill = source();
    const { clock, store, daemon } = await daemonWith(
      'pricing:\n  source: table\n  billing: cost-explorer\n  billingAlert: { days: 1 }',
      bill,
    );
    try {
      await clock.advanceTo(Date.parse('2026-03-02T06:00:01Z'));
      await daemon.runNow('billing'); // joins the scheduled run in flight, if any
      expect(bill.calls[0]).toBe('2026-02-16/2026-03-02');
      expect((await store.alerts.firing()).map((a) => [a.key, a.endpoint])).toEqual([
        ['billing-difference:llm', 'llm'],
      ]);
      expect(daemon.controllers.status('billing').failures).toBe(0);
    } finally {
      await daemon.stop();
      await store.close();
    }
  });

  it('has no billing controller when pricing.billing is off', async () => {
    const bill = source();
    const { store, daemon } = await daemonWith('', bill);
    try {
      await expect(daemon.runNow('billing')).rejects.toThrow('no controller billing');
      expect(bill.calls).toEqual([]);
    } finally {
      await daemon.stop();
      await store.close();
    }
  });
});
