import { describe, expect, it } from 'vitest';
import { RecordingSkippingClock, ScriptedCloud, type Script } from '../../test/probe/scripted-cloud.js';
import { CloudError } from '../cloud/types.js';
import { InvokeError, invokeAsync, normalizePrefix, type InvokeProgress } from './invoke.js';

const T0 = Date.UTC(2026, 0, 5, 6, 0, 0);
const EP = 'llm-a';

function setup(script: Script): { clock: RecordingSkippingClock; cloud: ScriptedCloud } {
  const clock = new RecordingSkippingClock(T0);
  return { clock, cloud: new ScriptedCloud(clock, EP, script) };
}

const base = {
  endpointName: EP,
  bucket: 's3://probe-bucket/inputs',
  timeoutSeconds: 1800,
  poll: { random: () => 1 },
};

describe('invokeAsync', () => {
  it('uploads, invokes with the input location, returns the output and deletes every object', async () => {
    const { clock, cloud } = setup({ initialInstances: 1, processingMs: 7_000 });
    const events: InvokeProgress[] = [];
    const r = await invokeAsync(cloud, clock, {
      ...base,
      payload: { inputs: 'What is the capital of France?' },
      inferenceId: 'inf-1',
      onProgress: (e) => void events.push(e),
    });
    expect(r.outcome).toBe('success');
    expect(new TextDecoder().decode(r.output)).toBe('{"generated_text":"Paris"}');
    expect(r.inputLocation).toBe('s3://probe-bucket/inputs/inf-1.in');
    expect(cloud.invocations[0]?.inputLocation).toBe(r.inputLocation);
    expect(cloud.invocations[0]?.inferenceId).toBe('inf-1');
    expect(cloud.invocations[0]?.contentType).toBe('application/json');
    // The default TTL keeps SageMaker from running a request the caller stopped waiting for.
    expect(cloud.invocations[0]?.requestTtlSeconds).toBe(1800);
    expect(cloud.contentTypes.get(r.inputLocation)).toBe('application/json');
    expect(r.instancesAtStart).toBe(1);
    // The output exists from 7 s after the invoke; polls at +1, +3, +7 s (delays 1, 2, 4 s; nothing
    // is read at +0, when nothing can have been written yet).
    expect(r.timings.totalMs).toBe(7_000);
    expect(r.polls).toBe(3);
    expect(r.capacityPolls).toBe(0);
    // GetObject: the output at each poll, the failure location at the 1st and 3rd (every other one),
    // but not after the output was found at the 3rd.
    expect(cloud.calls.filter((c) => c === 'GetObject')).toHaveLength(4);
    expect(cloud.objects.size).toBe(0);
    // Input and output; SageMaker wrote no failure object, so there is none to delete.
    expect(cloud.calls.filter((c) => c === 'DeleteObject')).toHaveLength(2);
    expect(events.map((e) => e.kind)).toEqual(['started', 'uploaded', 'invoked', 'finished']);
  });

  it('reports a model error with the failure text', async () => {
    const { clock, cloud } = setup({ initialInstances: 1, processingMs: 2_000, fail: 'CUDA out of memory' });
    const r = await invokeAsync(cloud, clock, { ...base, payload: 'raw text' });
    expect(r.outcome).toBe('model_error');
    expect(r.failure).toBe('CUDA out of memory');
    expect(r.output).toBeUndefined();
    expect(cloud.invocations[0]?.contentType).toBe('application/octet-stream');
    expect(cloud.objects.size).toBe(0);
  });

  it('jitters its polling with the cloud’s own random source when it has one, and the caller’s first', async () => {
    // The simulated cloud has one (seeded, so a simulated run repeats); any cloud may.
    const draws = [0, 1, 0.5, 0.25];
    const withSource = () => {
      const { clock, cloud } = setup({ initialInstances: 1, processingMs: 0, never: true });
      let n = 0;
      return { clock, cloud: Object.assign(cloud, { jitterRandom: () => draws[n++ % draws.length]! }) };
    };
    const own = withSource();
    await invokeAsync(own.cloud, own.clock, { ...base, poll: undefined, payload: {}, timeoutSeconds: 20 });
    // Ceilings 1, 2, 4, 8 s; each delay is ceiling/2 + r * ceiling/2.
    expect(own.clock.sleeps.slice(0, 4)).toEqual([500, 2000, 3000, 5000]);
    const given = withSource();
    await invokeAsync(given.cloud, given.clock, { ...base, payload: {}, timeoutSeconds: 20 });
    expect(given.clock.sleeps.slice(0, 4)).toEqual([1000, 2000, 4000, 8000]); // poll.random: () => 1
  });

  it('times out, never sleeping past the deadline or longer than the 30 s cap, and cleans up', async () => {
    const { clock, cloud } = setup({ initialInstances: 1, processingMs: 0, never: true });
    const r = await invokeAsync(cloud, clock, { ...base, payload: {}, timeoutSeconds: 600 });
    expect(r.outcome).toBe('timeout');
    expect(r.timings.totalMs).toBe(600_000);
    expect(Math.max(...clock.sleeps)).toBe(30_000);
    // Delays grow: 1, 2, 4, 8, 16, 30, 30, ...
    expect(clock.sleeps.slice(0, 6)).toEqual([1000, 2000, 4000, 8000, 16000, 30000]);
    expect(cloud.objects.size).toBe(0);
  });

  it('calls a failure that appears once the request TTL ran out a timeout, not a model error', async () => {
    const { clock, cloud } = setup({ initialInstances: 0, processingMs: 0, never: true, expireAtTtl: true });
    const r = await invokeAsync(cloud, clock, { ...base, payload: {}, timeoutSeconds: 120 });
    expect(cloud.invocations[0]?.requestTtlSeconds).toBe(120);
    expect(r.outcome).toBe('timeout');
    expect(r.failure).toMatch(/expired/);
    expect(cloud.objects.size).toBe(0);
  });

  it('polls only the output when the endpoint has no failure path', async () => {
    const { clock, cloud } = setup({ initialInstances: 1, processingMs: 1_000, noFailurePath: true });
    const r = await invokeAsync(cloud, clock, { ...base, payload: {} });
    expect(r.outcome).toBe('success');
    expect(r.failureLocation).toBeUndefined();
    expect(cloud.calls.filter((c) => c === 'GetObject')).toHaveLength(r.polls);
  });

  it('says "waiting for capacity" while the endpoint has no instance, then when capacity is ready', async () => {
    const { clock, cloud } = setup({
      initialInstances: 0,
      wakeAfterMs: 120_000,
      inServiceAfterMs: 480_000,
      processingMs: 15_000,
    });
    const events: InvokeProgress[] = [];
    const r = await invokeAsync(cloud, clock, {
      ...base,
      payload: {},
      onProgress: (e) => void events.push(e),
    });
    expect(r.outcome).toBe('success');
    expect(r.instancesAtStart).toBe(0);
    const waiting = events.filter((e) => e.kind === 'waiting-for-capacity');
    expect(waiting.length).toBeGreaterThanOrEqual(2);
    expect(waiting[0]?.message).toMatch(/waiting for capacity/);
    // Once the wake policy has raised the desired count, the line says a scale-out is under way.
    expect(waiting.some((e) => /scale-out to 1 under way/.test(e.message))).toBe(true);
    const ready = events.find((e) => e.kind === 'capacity-ready');
    expect(ready).toBeDefined();
    expect(ready!.at).toBeGreaterThanOrEqual(cloud.inServiceAt()!);
    // Capacity observations: 0/0, then 0/1 once woken, then 1/1.
    expect(r.capacity.map((o) => [o.instances, o.desiredInstances])).toEqual([
      [0, 0],
      [0, 1],
      [1, 1],
    ]);
    expect(r.timings.waitingForCapacityMs).toBe(ready!.at - T0);
  });

  it('while no instance is in service, only describes the endpoint, backing off from 15 s to 90 s', async () => {
    const { clock, cloud } = setup({ initialInstances: 0, processingMs: 0, never: true });
    const r = await invokeAsync(cloud, clock, { ...base, payload: {}, timeoutSeconds: 400 });
    expect(r.outcome).toBe('timeout');
    // Ceilings 15, 30, 60, 90 s (no jitter here), the last sleep cut at the deadline: looks at 15, 45,
    // 105, 195, 285, 375, 400 s.
    expect(clock.sleeps).toEqual([15_000, 30_000, 60_000, 90_000, 90_000, 90_000, 25_000]);
    expect(r.capacityPolls).toBe(7);
    // S3 is read once, at 400 s: the request's TTL (the timeout, 400 s) ran out, and SageMaker then
    // writes an expiry failure with no instance to show for it.
    expect(r.polls).toBe(1);
    expect(cloud.calls.filter((c) => c === 'GetObject')).toHaveLength(2);

    const own = setup({ initialInstances: 0, processingMs: 0, never: true });
    await invokeAsync(own.cloud, own.clock, {
      ...base,
      payload: {},
      timeoutSeconds: 60,
      capacityPoll: { initialMs: 5_000, maxMs: 20_000 },
    });
    expect(own.clock.sleeps).toEqual([5_000, 10_000, 20_000, 20_000, 5_000]);
  });

  it('reads S3 once the request’s TTL has run out, even with no instance', async () => {
    const { clock, cloud } = setup({ initialInstances: 0, processingMs: 0, never: true, expireAtTtl: true });
    const r = await invokeAsync(cloud, clock, {
      ...base,
      payload: {},
      timeoutSeconds: 600,
      requestTtlSeconds: 120,
    });
    // Looks at 15, 45, 105 s (describe only), then 195 s: past the TTL, the expiry failure is read.
    expect(r.outcome).toBe('timeout');
    expect(r.failure).toMatch(/expired/);
    expect(r.timings.totalMs).toBe(195_000);
    expect(r.polls).toBe(1);
  });

  it('reads S3 when a scale-out is seen to end at zero (an instance came and went between looks)', async () => {
    const { clock, cloud } = setup({
      initialInstances: 0,
      wakeAfterMs: 20_000,
      processingMs: 0,
      never: true,
    });
    const describe = cloud.getEndpoint.bind(cloud);
    cloud.getEndpoint = async (name) => {
      const ep = await describe(name);
      if (ep && clock.now() >= T0 + 100_000) {
        // The instance served the request and was scaled in again, all between two looks.
        for (const v of ep.variants) v.desiredInstanceCount = 0;
        cloud.objects.set(cloud.outputUri('gone'), new TextEncoder().encode('{}'));
      }
      return ep;
    };
    const r = await invokeAsync(cloud, clock, { ...base, payload: {}, inferenceId: 'gone' });
    // Looks at 15 s (desired 0), 45 s (desired 1), 105 s (desired 0 again: S3 is read, the output is there).
    expect(r.outcome).toBe('success');
    expect(r.timings.totalMs).toBe(105_000);
    expect(r.polls).toBe(1);
  });

  it('reads the failure location at every other look, so a model error may be seen one look later', async () => {
    const { clock, cloud } = setup({ initialInstances: 1, processingMs: 2_000, fail: 'CUDA out of memory' });
    const r = await invokeAsync(cloud, clock, { ...base, payload: {} });
    // Looks at 1 s (output, failure), 3 s (output only: the failure written at 2 s is not read), 7 s
    // (output, failure: found).
    expect(r.outcome).toBe('model_error');
    expect(r.timings.totalMs).toBe(7_000);
    expect(cloud.calls.filter((c) => c === 'GetObject')).toHaveLength(5);
    // Input and failure deleted; no output object exists to delete.
    expect(cloud.calls.filter((c) => c === 'DeleteObject')).toHaveLength(2);
    expect(cloud.objects.size).toBe(0);
  });

  it('rides out a few throttled polls, but not a persistent or non-retryable error', async () => {
    const { clock, cloud } = setup({ initialInstances: 1, processingMs: 10_000 });
    let gets = 0;
    cloud.onGetObject = () => {
      gets++;
      if (gets === 2 || gets === 3)
        throw new CloudError('S3 GetObject: SlowDown', 'SlowDown', true, 'GetObject');
    };
    expect((await invokeAsync(cloud, clock, { ...base, payload: {} })).outcome).toBe('success');

    const denied = setup({ initialInstances: 1, processingMs: 10_000 });
    denied.cloud.onGetObject = () => {
      throw new CloudError('S3 GetObject: AccessDenied', 'AccessDenied', false, 'GetObject');
    };
    await expect(invokeAsync(denied.cloud, denied.clock, { ...base, payload: {} })).rejects.toThrow(
      /AccessDenied/,
    );
    expect(denied.cloud.objects.size).toBe(0);

    const flaky = setup({ initialInstances: 1, processingMs: 600_000 });
    flaky.cloud.onGetObject = () => {
      throw new CloudError('S3 GetObject: InternalError', 'InternalError', true, 'GetObject');
    };
    await expect(invokeAsync(flaky.cloud, flaky.clock, { ...base, payload: {} })).rejects.toThrow(
      /InternalError/,
    );
  });

  it('keeps the objects when asked', async () => {
    const { clock, cloud } = setup({ initialInstances: 1, processingMs: 1_000 });
    const r = await invokeAsync(cloud, clock, {
      ...base,
      payload: {},
      keepObjects: true,
      inferenceId: 'keep',
    });
    expect(r.outcome).toBe('success');
    expect([...cloud.objects.keys()].sort()).toEqual([r.inputLocation, r.outputLocation].sort());
  });

  it("with keepObjects 'unfinished' keeps the input of a request still queued, and only then", async () => {
    const stuck = setup({ initialInstances: 1, processingMs: 0, never: true });
    const t = await invokeAsync(stuck.cloud, stuck.clock, {
      ...base,
      payload: {},
      timeoutSeconds: 60,
      keepObjects: 'unfinished',
    });
    expect(t.outcome).toBe('timeout');
    expect([...stuck.cloud.objects.keys()]).toEqual([t.inputLocation]);
    const done = setup({ initialInstances: 1, processingMs: 1_000 });
    const d = await invokeAsync(done.cloud, done.clock, { ...base, payload: {}, keepObjects: 'unfinished' });
    expect(d.outcome).toBe('success');
    expect(done.cloud.objects.size).toBe(0);
  });

  it('ends as interrupted when aborted mid-wait, and still deletes its objects', async () => {
    const { clock, cloud } = setup({
      initialInstances: 0,
      wakeAfterMs: 60_000,
      inServiceAfterMs: 600_000,
      processingMs: 1,
    });
    const ac = new AbortController();
    const describe = cloud.getEndpoint.bind(cloud);
    let describes = 0;
    cloud.getEndpoint = async (name) => {
      if (++describes === 5) ac.abort(new Error('SIGTERM'));
      return describe(name);
    };
    const r = await invokeAsync(cloud, clock, { ...base, payload: {}, signal: ac.signal });
    expect(r.outcome).toBe('interrupted');
    expect(cloud.objects.size).toBe(0);
    expect(r.timings.totalMs).toBeLessThan(600_000);
  });

  it('refuses a missing endpoint before uploading anything', async () => {
    const { clock, cloud } = setup({ initialInstances: 1, processingMs: 1 });
    await expect(invokeAsync(cloud, clock, { ...base, endpointName: 'nope', payload: {} })).rejects.toThrow(
      InvokeError,
    );
    expect(cloud.calls).not.toContain('PutObject');
  });

  it('deletes the input when the invocation itself fails', async () => {
    const { clock, cloud } = setup({ initialInstances: 1, processingMs: 1 });
    cloud.invokeEndpointAsync = async () => {
      throw new Error('ValidationException: endpoint not InService');
    };
    await expect(invokeAsync(cloud, clock, { ...base, payload: {} })).rejects.toThrow(/ValidationException/);
    expect(cloud.objects.size).toBe(0);
  });

  it('rejects a bucket that is not an S3 URI and a bad inference id', async () => {
    const { clock, cloud } = setup({ initialInstances: 1, processingMs: 1 });
    await expect(invokeAsync(cloud, clock, { ...base, bucket: 'my-bucket', payload: {} })).rejects.toThrow(
      /bucket must be an S3 URI/,
    );
    await expect(
      invokeAsync(cloud, clock, { ...base, inferenceId: ' leading space', payload: {} }),
    ).rejects.toThrow(/inference id/);
  });
});

describe('normalizePrefix', () => {
  it('makes a key prefix end with a slash', () => {
    expect(normalizePrefix('s3://b-1/x')).toBe('s3://b-1/x/');
    expect(normalizePrefix('s3://b-1/x/')).toBe('s3://b-1/x/');
    expect(normalizePrefix('s3://b-1')).toBe('s3://b-1/');
  });
});
