// The serve-time traffic replay (src/daemon/traffic.ts) into a simulated region behind a virtual clock,
// driven the way the daemon drives it: time moves in steps and nothing else brings the simulation up
// to date. Every request of the trace must reach the endpoint, including those that arrive while a
// scale-out has it Updating (SageMaker accepts InvokeEndpointAsync then); requests are refused only
// where InvokeEndpointAsync refuses them (no endpoint, Creating, Deleting), judged at their own time.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock.js';
import { defaultBoot } from '../../src/cloud/sim/boot.js';
import type { SimEngine } from '../../src/cloud/sim/engine.js';
import { createSimCloud, type SimCloud } from '../../src/cloud/sim/sim-cloud.js';
import { chooseTargets, replayTraffic, type ReplayOptions } from '../../src/daemon/traffic.js';
import { DEFAULT_SETTINGS, provisionEndpoint } from '../../src/simulate/runner.js';
import { loadTrace, type Trace } from '../../src/simulate/traces/index.js';
import { ROOT } from '../support/cli.js';
import { customPolicy, DAY, MIN } from './helpers.js';

const HOUR = 60 * MIN;

interface Counts {
  accepted: number;
  refused: { count: number; at: number; reason: string }[];
}

/** Replays `trace` from now until `until`, advancing the clock five minutes at a time. */
async function replay(
  o: Omit<ReplayOptions, 'onSubmit' | 'onRefused'> & { clock: VirtualClock },
  until: number,
  during?: (now: number) => Promise<void>,
): Promise<Counts> {
  const counts: Counts = { accepted: 0, refused: [] };
  const ctl = new AbortController();
  const running = replayTraffic(
    {
      ...o,
      onSubmit: (_e, n) => (counts.accepted += n),
      onRefused: (_e, count, at, reason) => counts.refused.push({ count, at, reason }),
    },
    ctl.signal,
  ).catch(() => undefined);
  while (o.clock.now() < until) {
    await o.clock.advance(Math.min(5 * MIN, until - o.clock.now()));
    await during?.(o.clock.now());
  }
  ctl.abort(new Error('done'));
  await running;
  return counts;
}

/** The status of the endpoint each time a request enters its queue. */
function statusesAtSubmit(engine: SimEngine): string[] {
  const seen: string[] = [];
  const submit = engine.submit.bind(engine);
  engine.submit = (ep, ...rest) => {
    seen.push(ep.status);
    return submit(ep, ...rest);
  };
  return seen;
}

describe('traffic replay on the simulated cloud', () => {
  it('delivers every request of a day of the demo trace, through scale-outs and scale-ins', async () => {
    // The demo's endpoint and policy (config/demo.yaml): 8-minute cold starts, 4 requests per instance.
    const boot = defaultBoot(480);
    const { cloud, clock, engine } = createSimCloud({
      startTime: DAY + 7 * HOUR,
      seed: 7,
      boot,
      serviceSeconds: () => 20,
    });
    const policy = customPolicy({ preset: 'aws-recommended', maxCapacity: 2 });
    const ep = await provisionEndpoint(engine, cloud, policy, { ...DEFAULT_SETTINGS, boot, concurrency: 4 });
    await clock.advanceTo(engine.now);
    const trace = await loadTrace(
      path.join(ROOT, 'data/traces/demo-azure-functions.csv'),
      'azure-functions',
      {
        seed: 7,
        defaultServiceSeconds: 20,
      },
    );
    const targets = chooseTargets(trace, [ep.name], ['30a976ce7f']);
    if (typeof targets === 'string') throw new Error(targets);
    const source = targets[0]!.source;
    const dayStart = DAY + trace.startOfDaySeconds * 1000;
    expect(clock.now()).toBeLessThan(dayStart); // the whole day is replayed
    const seen = statusesAtSubmit(engine);

    const counts = await replay(
      { engine, clock, trace, targets, defaultServiceSeconds: 20 },
      dayStart + trace.durationSeconds * 1000 + HOUR,
    );

    expect(source.arrivals.length).toBeGreaterThan(100);
    expect(counts.refused).toEqual([]);
    expect(counts.accepted).toBe(source.arrivals.length);
    expect(engine.requestsSubmitted).toBe(source.arrivals.length);
    // The day really went through the transitions that used to drop requests...
    expect(ep.scaleOuts).toBeGreaterThanOrEqual(2);
    expect(ep.scaleIns).toBeGreaterThanOrEqual(2);
    expect(seen.filter((s) => s === 'Updating').length).toBeGreaterThan(0);
    expect(seen.every((s) => s === 'InService' || s === 'Updating')).toBe(true);
    // ...and every request was served (an hour after the window, with SageMaker's 6-hour TTL).
    cloud.sync();
    expect(ep.completed).toBe(source.arrivals.length);
    expect(ep.expired).toBe(0);
  });

  it('refuses requests only while InvokeEndpointAsync would: missing, Creating, Deleting', async () => {
    const { cloud, clock, engine } = createSimCloud({
      startTime: DAY + 8 * HOUR - MIN,
      seed: 1,
      boot: { kind: 'fixed', seconds: 480 },
      serviceSeconds: () => 20,
    });
    const name = 'replay-ep';
    // One request a minute from 08:01 to 08:29, and one at 08:20:10 (while the endpoint is Deleting).
    const minutes = [...Array.from({ length: 29 }, (_, i) => i + 1), 20 + 10 / 60].sort((a, b) => a - b);
    const arrivals = Float64Array.from(minutes.map((m) => Math.round(m * 60)));
    const trace: Trace = {
      file: 'synthetic',
      format: 'csv',
      startOfDaySeconds: 8 * 3600,
      durationSeconds: 3600,
      endpoints: [{ id: 'one-a-minute', arrivals, expectedRequests: arrivals.length }],
    };
    const at = (minute: number): number => DAY + 8 * HOUR + minute * MIN;
    const seen = statusesAtSubmit(engine);
    // 08:00 create (Creating until the 8-minute boot ends at 08:08); 08:10 scale out to two
    // instances (Updating until 08:18); 08:20 delete (Deleting for 30 s, then gone).
    const script = async (now: number): Promise<void> => {
      if (now === at(0)) await create(cloud, name);
      if (now === at(10)) await cloud.setDesiredInstanceCount(name, 'AllTraffic', 2);
      if (now === at(20)) await cloud.deleteEndpoint(name);
    };
    await clock.advanceTo(at(0));
    await script(clock.now());
    const counts = await replay(
      {
        engine,
        clock,
        trace,
        targets: [{ endpointName: name, source: trace.endpoints[0]! }],
        defaultServiceSeconds: 20,
      },
      at(35),
      script,
    );

    // Each batch is one request here; its time tells which.
    expect(counts.refused.every((r) => r.count === 1)).toBe(true);
    const refused = counts.refused.map((r) => ({ second: (r.at - at(0)) / 1000, reason: r.reason }));
    expect(refused).toEqual([
      // 08:01-08:07: the endpoint is being created (its one instance is up at 08:08).
      ...[1, 2, 3, 4, 5, 6, 7].map((m) => ({ second: m * 60, reason: 'Creating' })),
      { second: 20 * 60 + 10, reason: 'Deleting' },
      ...[21, 22, 23, 24, 25, 26, 27, 28, 29].map((m) => ({ second: m * 60, reason: 'missing' })),
    ]);
    // 08:08-08:20 reach it (the 08:10 and 08:20 requests arrive just before the scale-out and the
    // delete): InService, then Updating while the second instance boots (08:11-08:17), then InService.
    expect(counts.accepted).toBe(13);
    expect(counts.accepted + counts.refused.length).toBe(arrivals.length);
    expect(seen).toEqual([
      ...Array<string>(3).fill('InService'),
      ...Array<string>(7).fill('Updating'),
      ...Array<string>(3).fill('InService'),
    ]);
  });
});

async function create(cloud: SimCloud, name: string): Promise<void> {
  await cloud.createModel({
    name: `${name}-model`,
    image: 'sagezero/simulated-model:latest',
    environment: {},
    executionRoleArn: 'arn:aws:iam::123456789012:role/SageMakerExecution',
    tags: {},
  });
  await cloud.createEndpointConfig({
    name: `${name}-config`,
    modelName: `${name}-model`,
    variantName: 'AllTraffic',
    instanceType: 'ml.g5.12xlarge',
    initialInstanceCount: 1,
    async: { outputPath: 's3://replay-test-bucket/out/', maxConcurrentInvocationsPerInstance: 4 },
    tags: {},
  });
  await cloud.createEndpoint(name, `${name}-config`, {});
}
