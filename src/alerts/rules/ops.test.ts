import { describe, expect, it } from 'vitest';
import type { ApiCallMinute } from '../../store/api-calls.js';
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
  /** The last `n` minutes had calls; all failed but those `clean` minutes ago. */
  const mins = (n: number, clean: number[] = []): ApiCallMinute[] =>
    Array.from({ length: n }, (_, i) => ({ minute: cur - i * MIN, failed: !clean.includes(i) }));

  it('fires when failures fill at least 80% of the window and are still happening', () => {
    expect(apiErrors({ minutes: mins(10, [3, 7]), now: NOW, sustainMinutes: 10 })?.summary).toBe(
      'AWS API calls failed in 8 of the last 10 minutes with calls.',
    );
    expect(apiErrors({ minutes: mins(10, [3, 5, 7]), now: NOW, sustainMinutes: 10 })).toBeUndefined();
  });

  it('does not fire for a burst that stopped two minutes ago', () => {
    expect(apiErrors({ minutes: mins(10, [0, 1]), now: NOW, sustainMinutes: 10 })).toBeUndefined();
  });

  it('counts minutes with calls only: a minute in which no call completed is not a clean one', () => {
    // Calls slowed by SDK backoff (or a paused daemon) completed only in these minutes, all failing.
    const gappy = [0, 1, 4, 5, 8].map((i) => ({ minute: cur - i * MIN, failed: true }));
    expect(apiErrors({ minutes: gappy, now: NOW, sustainMinutes: 5 })?.summary).toBe(
      'AWS API calls failed in 5 of the last 5 minutes with calls.',
    );
    // A burst that stopped: the latest two minutes with calls succeeded, however far apart.
    const stopped = [
      { minute: cur, failed: false },
      { minute: cur - 3 * MIN, failed: false },
      ...[4, 5, 6, 7].map((i) => ({ minute: cur - i * MIN, failed: true })),
    ];
    expect(apiErrors({ minutes: stopped, now: NOW, sustainMinutes: 5 })).toBeUndefined();
  });

  it('looks back three windows at most: older failures say nothing about now', () => {
    // Window 5: minutes before cur - 14 are out of reach, leaving 2 failed minutes of the 4 needed.
    const old = [0, 1, 15, 16, 17].map((i) => ({ minute: cur - i * MIN, failed: true }));
    expect(apiErrors({ minutes: old, now: NOW, sustainMinutes: 5 })).toBeUndefined();
    const within = [0, 1, 12, 13, 14].map((i) => ({ minute: cur - i * MIN, failed: true }));
    expect(apiErrors({ minutes: within, now: NOW, sustainMinutes: 5 })).toBeDefined();
  });

  it('lists the failing calls, most first', () => {
    const c = apiErrors({
      minutes: mins(10),
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
