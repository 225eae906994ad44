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
