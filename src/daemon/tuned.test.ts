// The tuner's change record under interleaving: the store is asynchronous, so a reconcile that read a
// pending change and applied it may find the tuner has written a newer one by the time it records
// what the cloud runs.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testConfig } from '../../test/support/configs.js';
import type { ScalingConfig } from '../config/scaling-schema.js';
import { openStore, type Store } from '../store/index.js';
import { markTunerChangeOnCloud, pendingTunerChange, setTunedScaling, tunerChange } from './tuned.js';

const EP = 'llm-async';
const T = Date.UTC(2026, 2, 10, 12);
let store: Store;
let configured: ScalingConfig;
let step: ScalingConfig;

beforeEach(async () => {
  store = await openStore(':memory:');
  configured = testConfig('scaling: { preset: aws-recommended }').endpoints[0]!.scaling;
  step = { ...configured, idle: { mode: 'step', minutes: 7 } };
});
afterEach(() => store.close());

describe('markTunerChangeOnCloud', () => {
  it('marks the change the reconcile applied', async () => {
    await setTunedScaling(store, EP, { kind: 'step', from: configured, to: step, reason: 'r' }, T);
    const applied = (await pendingTunerChange(store, EP, step))!;
    await markTunerChangeOnCloud(store, EP, applied, T + 60_000);
    expect(await tunerChange(store, EP)).toMatchObject({ kind: 'step', at: T, onCloudAt: T + 60_000 });
    expect(await pendingTunerChange(store, EP, step)).toBeUndefined();
  });

  it('leaves a newer change the tuner wrote meanwhile pending, with its own record', async () => {
    await setTunedScaling(store, EP, { kind: 'step', from: configured, to: step, reason: 'r' }, T);
    const applied = (await pendingTunerChange(store, EP, step))!;
    // While the reconcile awaited the cloud, the tuner rolled the step back.
    await setTunedScaling(
      store,
      EP,
      { kind: 'rollback', from: step, to: configured, reason: 'r' },
      T + 30_000,
    );
    await markTunerChangeOnCloud(store, EP, applied, T + 60_000);
    const now = await tunerChange(store, EP);
    expect(now).toMatchObject({ kind: 'rollback', at: T + 30_000, to: configured });
    expect(now?.onCloudAt).toBeUndefined();
    // Still pending: the next reconcile applies the rollback as the tuner's, not as drift.
    expect(await pendingTunerChange(store, EP, configured)).toMatchObject({ kind: 'rollback' });
  });
});
