import { describe, expect, it } from 'vitest';
import { apiErrors, controllerFailing, driftAlerts } from './ops.js';

const MIN = 60_000;
const NOW = 5000 * MIN + 30_000; // half-way through a minute

describe('driftAlerts', () => {
  it('reports repaired drift as information, once per endpoint, with every difference', () => {
    const out = driftAlerts([
      { endpoint: 'llm-a', at: 1, changes: ['alarm sagezero-llm-a-wake: missing'], repaired: true },
      { endpoint: 'llm-a', at: 2, changes: ['target maxCapacity: 4 -> 2'], repaired: true },
    ]);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ key: 'drift-repaired:llm-a', severity: 'info' });
    expect(out[0]?.facts).toContainEqual({ label: 'Times in this window', value: '2' });
    expect(out[0]?.facts.find((f) => f.label === 'Differences')?.value).toBe(
      'alarm sagezero-llm-a-wake: missing\ntarget maxCapacity: 4 -> 2',
    );
  });

  it('reports drift whose repair failed as critical', () => {
    const [c] = driftAlerts([
      { endpoint: 'e', at: 1, changes: ['x'], repaired: false, error: 'AccessDenied' },
    ]);
    expect(c).toMatchObject({ key: 'drift-unrepaired:e', severity: 'critical' });
    expect(c?.summary).toContain('AccessDenied');
  });

  it('never reports an applied tuner change as drift, and counts only the hand edits', () => {
    expect(
      driftAlerts([
        { endpoint: 'e', at: 1, changes: ['update alarm x'], repaired: true, cause: 'tuner-step' },
      ]),
    ).toEqual([]);
    const out = driftAlerts([
      { endpoint: 'e', at: 1, changes: ['update alarm x'], repaired: true, cause: 'tuner-rollback' },
      { endpoint: 'e', at: 2, changes: ['update scalable-target t: maxCapacity'], repaired: true },
    ]);
    expect(out).toHaveLength(1);
    expect(out[0]?.summary).toContain('(1 difference)');
    expect(out[0]?.facts).toContainEqual({
      label: 'Differences',
      value: 'update scalable-target t: maxCapacity',
    });
  });

  it('says a tuner change that could not be applied is the tuner’s, not drift', () => {
    const [step] = driftAlerts([
      {
        endpoint: 'e',
        at: 1,
        changes: ['update alarm x'],
        repaired: false,
        error: 'AccessDenied',
        cause: 'tuner-step',
      },
    ]);
    expect(step).toMatchObject({ key: 'drift-unrepaired:e', severity: 'critical' });
    expect(step?.title).toBe('sagezero could not apply the tuner’s step on e');
    expect(step?.summary).toContain('AccessDenied');
    const [rollback] = driftAlerts([
      { endpoint: 'e', at: 1, changes: ['x'], repaired: false, error: 'Throttling', cause: 'tuner-rollback' },
    ]);
    expect(rollback?.title).toBe('sagezero could not roll back the tuner’s step on e');
    // With a hand edit that failed too, it is drift that could not be repaired.
    const [both] = driftAlerts([
      { endpoint: 'e', at: 1, changes: ['a'], repaired: false, error: 'E', cause: 'tuner-step' },
      { endpoint: 'e', at: 1, changes: ['b'], repaired: false, error: 'E' },
    ]);
    expect(both?.title).toBe('Drift on e could not be repaired');
    expect(both?.facts).toContainEqual({ label: 'Differences', value: 'a\nb' });
  });
});

describe('apiErrors', () => {
  const cur = Math.floor(NOW / MIN) * MIN;
  const mins = (n: number, skip: number[] = []): number[] =>
    Array.from({ length: n }, (_, i) => cur - i * MIN).filter((_, i) => !skip.includes(i));

  it('fires when failures fill at least 80% of the window and are still happening', () => {
    expect(apiErrors({ errorMinutes: mins(10, [3, 7]), now: NOW, sustainMinutes: 10 })?.summary).toBe(
      'AWS API calls failed in 8 of the last 10 minutes.',
    );
    expect(apiErrors({ errorMinutes: mins(10, [3, 5, 7]), now: NOW, sustainMinutes: 10 })).toBeUndefined();
  });

  it('does not fire for a burst that stopped two minutes ago', () => {
    expect(apiErrors({ errorMinutes: mins(10).slice(2), now: NOW, sustainMinutes: 10 })).toBeUndefined();
  });

  it('lists the failing calls, most first', () => {
    const c = apiErrors({
      errorMinutes: mins(10),
      now: NOW,
      sustainMinutes: 10,
      failing: [
        { service: 'cloudwatch', operation: 'GetMetricData', ok: false, count: 3 },
        { service: 'sagemaker', operation: 'DescribeEndpoint', ok: false, count: 9 },
        { service: 'sagemaker', operation: 'DescribeEndpoint', ok: true, count: 90 },
      ],
    });
    expect(c?.facts[1]?.value).toBe('sagemaker DescribeEndpoint: 9\ncloudwatch GetMetricData: 3');
  });
});

describe('controllerFailing', () => {
  it('fires per controller at the threshold of consecutive errors', () => {
    const out = controllerFailing(
      [
        {
          controller: 'telemetry',
          okCount: 10,
          errorCount: 3,
          consecutiveErrors: 3,
          lastOkAt: NOW - 5 * MIN,
          lastError: 'ThrottlingException',
        },
        { controller: 'reconcile', okCount: 10, errorCount: 5, consecutiveErrors: 2 },
      ],
      3,
      NOW,
    );
    expect(out.map((c) => c.key)).toEqual(['controller:telemetry']);
    expect(out[0]?.facts).toContainEqual({ label: 'Last error', value: 'ThrottlingException' });
  });
});
