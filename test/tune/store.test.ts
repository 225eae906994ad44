// From telemetry to tuning: traffic runs through the simulated cloud, the real telemetry poller
// records what CloudWatch and Application Auto Scaling publish into a store, and the tuner rebuilds
// the arrivals and measures the cold starts from that store alone.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { presetPolicy } from '../../src/simulate/policies.js';
import { DEFAULT_SETTINGS, simEndpointConfig } from '../../src/simulate/runner.js';
import { openStore, type Store } from '../../src/store/index.js';
import { tuneEndpoint } from '../../src/tune/endpoint.js';
import { readStoreTraffic } from '../../src/tune/reconstruct.js';
import { observedLatency } from '../../src/tune/observe.js';
import { decideRollback } from '../../src/tune/guardrails.js';
import { resolveScaling } from '../../src/config/scaling-schema.js';
import { BOOT_S, MIN, recordTraffic as record, SERVICE_MS, START } from './helpers.js';

const recordTraffic = () => record(store);

let store: Store;
beforeEach(async () => {
  store = await openStore(':memory:');
});
afterEach(() => store.close());

describe('tuning from the store', () => {
  it('rebuilds the per-minute arrivals exactly from processed counts and the backlog', async () => {
    const { sent } = await recordTraffic();
    const t = await readStoreTraffic(store, 'sim-endpoint', START, START + 350 * MIN, 1);
    const truth = new Array<number>(t.minutes).fill(0);
    for (const a of sent) truth[Math.floor((a - START) / MIN)]! += 1;
    expect([...t.counts]).toEqual(truth);
    expect(t.arrivals.length).toBe(sent.length);
    // Spread inside their minute, in order.
    for (let i = 0; i < sent.length; i++) {
      expect(Math.floor((t.arrivals[i] as number) / 60)).toBe(
        Math.floor(((sent[i] as number) - START) / MIN),
      );
    }
    expect(t.serviceSeconds).toBeCloseTo(SERVICE_MS / 1000, 6);
  });

  it('measures the cold starts from the recorded wake-ups and tunes on the rebuilt traffic', async () => {
    const { cloud } = await recordTraffic();
    const ec = simEndpointConfig(presetPolicy('aws-recommended'), {
      ...DEFAULT_SETTINGS,
      boot: { kind: 'fixed', seconds: BOOT_S },
    });
    const result = await tuneEndpoint(
      {
        store,
        config: { region: 'us-east-1', endpoints: [ec] },
        endpoint: 'sim-endpoint',
        clock: cloud.clock,
      },
      { tune: { history: '6h', objective: { p95TimeToResultSeconds: 1800, maxExpired: 0 } } },
    );
    expect(result.traffic.source).toBe('store');
    expect(result.inputs.boot.source).toBe('measured');
    expect(result.inputs.boot.samples).toBeGreaterThanOrEqual(4);
    expect(result.inputs.boot.medianSeconds).toBeGreaterThan(BOOT_S - 1);
    expect(result.inputs.boot.medianSeconds).toBeLessThan(BOOT_S + 60);
    expect(result.inputs.serviceSeconds).toBeCloseTo(20, 6);
    expect(result.inputs.requests.choose + result.inputs.requests.check).toBe(107);
    expect(result.recommended.choose.meetsObjective).toBe(true);
    expect(result.recommended.choose.costUsd).toBeLessThanOrEqual(result.current.choose.costUsd);
  });

  it('observes the delivered p95 and expiries from the per-minute metrics', async () => {
    await recordTraffic();
    const o = await observedLatency(store, 'sim-endpoint', START, START + 360 * MIN);
    expect(o.requests).toBe(107);
    expect(o.expired).toBe(0);
    // Every burst waited for a boot: the slow end is minutes, at least the boot time.
    expect(o.p95TimeToResultSeconds).toBeGreaterThan(BOOT_S);
    expect(o.p95TimeToResultSeconds).toBeLessThan(BOOT_S + 20 * 60);
  });

  it('rolls back when what the store observed after a change breaks the objective', async () => {
    await recordTraffic();
    const previous = resolveScaling({ preset: 'aws-recommended', scaleOutCooldownSeconds: 720 });
    const current = resolveScaling({ preset: 'aws-recommended' });
    // The change went live at the start of the recorded run; before it, requests were served warm.
    const after = await observedLatency(store, 'sim-endpoint', START, START + 360 * MIN);
    const d = decideRollback({
      objective: { p95TimeToResultSeconds: 240, maxExpired: 0 },
      before: { requests: 300, p95TimeToResultSeconds: 25, expired: 0 },
      after,
      previous,
      current,
    });
    expect(d.action).toBe('rollback');
    if (d.action === 'rollback') expect(d.to).toBe(previous);
  });
});
