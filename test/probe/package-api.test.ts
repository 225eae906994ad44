// The package entry point offers invokeAsync with what an application needs to call it.
import { describe, expect, it } from 'vitest';
import * as sagezero from '../../src/index.js';
import { RecordingSkippingClock, ScriptedCloud } from './scripted-cloud.js';

describe('package API', () => {
  it('exports a typed invokeAsync, the AWS cloud factory and the clocks', async () => {
    expect(typeof sagezero.createAwsCloud).toBe('function');
    expect(typeof sagezero.SystemClock).toBe('function');
    const clock = new RecordingSkippingClock(Date.UTC(2026, 0, 5));
    const cloud = new ScriptedCloud(clock, 'llm-a', { initialInstances: 1, processingMs: 2_000 });
    const options: sagezero.InvokeAsyncOptions = {
      endpointName: 'llm-a',
      payload: { inputs: 'Hello' },
      bucket: 's3://my-bucket/requests/',
      timeoutSeconds: 60,
    };
    const r: sagezero.InvokeAsyncResult = await sagezero.invokeAsync(cloud, clock, options);
    expect(r.outcome).toBe('success');
  });
});

describe('package API, real-time', () => {
  it('exports a typed invokeRealtime that retries while the component wakes', async () => {
    const { WakingComponentCloud, ENDPOINT, COMPONENT } = await import('./waking-component.js');
    const clock = new RecordingSkippingClock(Date.UTC(2026, 0, 5));
    const cloud = new WakingComponentCloud(clock, {
      initialCopies: 0,
      alarmAfterMs: 30_000,
      copyScheduledAfterMs: 40_000,
      instanceAfterMs: 50_000,
      copyReadyAfterMs: 60_000,
    });
    const options: sagezero.InvokeRealtimeOptions = {
      endpointName: ENDPOINT,
      componentName: COMPONENT,
      payload: { inputs: 'Hello' },
      timeoutSeconds: 600,
    };
    const r: sagezero.InvokeRealtimeResult = await sagezero.invokeRealtime(cloud, clock, options);
    expect(r.outcome).toBe('success');
    expect(r.failedAttempts).toBeGreaterThan(0);
    expect(r.noCapacityFailures).toBe(r.failedAttempts);
    expect(sagezero.NO_CAPACITY_ERROR).toBe(r.failures[0]?.code);
  });
});
