import { describe, expect, it } from 'vitest';
import { alertsConfigSchema } from './config.js';
import { evaluateRules, type AlertInputs } from './evaluate.js';
import type { ApiCallMinute } from '../store/api-calls.js';
import type { ProbeResult } from '../store/probes.js';

const MIN = 60_000;
const NOW = Date.UTC(2026, 0, 16, 12, 0, 30);
const CUR = Math.floor(NOW / MIN) * MIN;
const config = alertsConfigSchema.parse({ apiErrorMinutes: 5 });
/** Every minute of the last `n` has a failed API call. */
const lastMinutes = (n: number): number[] => Array.from({ length: n }, (_, i) => CUR - i * MIN);

function probe(outcome: ProbeResult['outcome'], finishedAt = NOW - 2 * MIN): ProbeResult {
  return {
    id: `p-${outcome}`,
    endpoint: 'llm',
    startedAt: finishedAt - MIN,
    finishedAt,
    instancesAtStart: 0,
    cold: true,
    outcome,
    totalS: 60,
    errorMessage: 'ServiceUnavailable',
  };
}

interface Case {
  /** Minutes with a failed call; every other minute of the last hour had calls that succeeded. */
  errorMinutes: number[];
  /** Minutes with calls, when not every minute had them (a stalled or slow daemon). */
  callMinutes?: number[];
  outcome?: ProbeResult['outcome'];
  probeFinishedAt?: number;
  /** The telemetry controller's last success (its failing streak began after it). */
  lastOkAt?: number;
  lastEpisode?: { firstFiredAt: number; resolvedAt?: number };
}

function callMinutes(c: Case): ApiCallMinute[] {
  const called = c.callMinutes ?? Array.from({ length: 60 }, (_, i) => CUR - i * MIN);
  const minutes = [...new Set([...called, ...c.errorMinutes])].sort((a, b) => a - b);
  return minutes.map((minute) => ({ minute, failed: c.errorMinutes.includes(minute) }));
}

function inputs(c: Case): AlertInputs {
  return {
    now: NOW,
    endpoints: [{ name: 'llm', probes: [probe(c.outcome ?? 'error', c.probeFinishedAt)] }],
    apiErrors: { minutes: callMinutes(c), ...(c.lastEpisode ? { lastEpisode: c.lastEpisode } : {}) },
    controllers: [
      {
        controller: 'telemetry',
        okCount: 1,
        errorCount: 3,
        consecutiveErrors: 3,
        lastOkAt: c.lastOkAt ?? NOW - 3 * MIN,
        lastErrorAt: NOW - 10_000,
        lastError: 'ServiceUnavailable',
      },
    ],
  };
}

const keys = (c: Case, cfg = config) => evaluateRules(inputs(c), cfg).conditions.map((x) => x.key);

describe('inhibition while AWS calls fail', () => {
  it('the AWS alert speaks for the failing controllers and could-not-run probes, listing them', () => {
    const r = evaluateRules(inputs({ errorMinutes: lastMinutes(5) }), config);
    expect(r.conditions.map((c) => c.key)).toEqual(['aws-api-errors']);
    expect(r.conditions[0]?.facts.at(-1)).toEqual({
      label: 'Also failing (held)',
      value: 'Probe failed on llm\nsagezero telemetry controller is failing',
    });
    // Held alerts neither fire nor resolve: their scope is withdrawn.
    expect(r.scope.covers('controller-failing', undefined)).toBe(false);
    expect(r.scope.covers('probe-failed', 'llm')).toBe(false);
    expect(r.scope.covers('aws-api-errors', undefined)).toBe(true);
  });

  it('holds victims whose failures began within the AWS window while calls are failing', () => {
    // Three minutes of errors: not yet sustained (4 of 5), but the AWS rule may still decide.
    expect(keys({ errorMinutes: lastMinutes(3) })).toEqual([]);
    // In an outage, calls sit in SDK backoff: the last failure may be a few minutes back, still
    // inside the window.
    expect(keys({ errorMinutes: [CUR - 3 * MIN] })).toEqual([]);
    // Outside the window, the victims speak for themselves.
    expect(keys({ errorMinutes: [CUR - 5 * MIN] })).toEqual(['probe-failed:llm', 'controller:telemetry']);
  });

  it('counts the minutes with calls, as the AWS rule does, so a stalled outage stays one alert', () => {
    // Calls every minute until 12:52 (the telemetry controller's last success, 12:52:30), failing
    // at 12:53 and 12:54; then nothing completed for five minutes (calls in backoff, a paused
    // process) until a failure at 13:00. Eight clock minutes, but the AWS rule has seen three
    // failed minutes with calls: it cannot decide yet, and the victims wait for it.
    const before = Array.from({ length: 50 }, (_, i) => CUR - (i + 8) * MIN);
    const stalled = { callMinutes: [...before, CUR - 7 * MIN, CUR - 6 * MIN, CUR], lastOkAt: NOW - 8 * MIN };
    expect(keys({ ...stalled, errorMinutes: [CUR - 7 * MIN, CUR - 6 * MIN, CUR] })).toEqual([]);
    // One more failed minute with calls and the rule fires, speaking for them.
    const more = { ...stalled, callMinutes: [...stalled.callMinutes, CUR - MIN] };
    expect(keys({ ...more, errorMinutes: [CUR - 7 * MIN, CUR - 6 * MIN, CUR - MIN, CUR] })).toEqual([
      'aws-api-errors',
    ]);
  });

  it('lets a victim alert once its failures outlast the window and the AWS rule stayed quiet', () => {
    // The telemetry controller has failed for 20 minutes (say AccessDenied on one call) while the
    // API error minutes are too sparse to be sustained: it must alert on its own.
    const sparse = [CUR, CUR - 7 * MIN, CUR - 14 * MIN];
    expect(keys({ errorMinutes: sparse, lastOkAt: NOW - 20 * MIN, probeFinishedAt: NOW - 20 * MIN })).toEqual(
      ['probe-failed:llm', 'controller:telemetry'],
    );
  });

  it('after the AWS alert resolved, a probe that failed during its episode stays held', () => {
    const episode = { firstFiredAt: NOW - 20 * MIN, resolvedAt: NOW - 1 * MIN };
    const errorMinutes = Array.from({ length: 20 }, (_, i) => CUR - (i + 3) * MIN);
    // The telemetry controller has failed since before the episode (its streak outlasts the window).
    const during = keys({
      errorMinutes,
      probeFinishedAt: NOW - 10 * MIN,
      lastEpisode: episode,
      lastOkAt: NOW - 30 * MIN,
    });
    expect(during).not.toContain('probe-failed:llm');
    // The controller failed again after the episode ended (10 s ago): that is news.
    expect(during).toContain('controller:telemetry');
    // So is a probe that failed after the episode.
    expect(keys({ errorMinutes, probeFinishedAt: NOW - 30_000, lastEpisode: episode })).toContain(
      'probe-failed:llm',
    );
  });

  it('never holds what the model did: a model error or a timeout alerts during API errors', () => {
    expect(keys({ errorMinutes: lastMinutes(5), outcome: 'model_error' })).toEqual([
      'probe-failed:llm',
      'aws-api-errors',
    ]);
    expect(keys({ errorMinutes: lastMinutes(5), outcome: 'timeout' })).toEqual([
      'probe-failed:llm',
      'aws-api-errors',
    ]);
  });

  it('holds nothing when the AWS rule is disabled, since nothing would speak for the victims', () => {
    const cfg = alertsConfigSchema.parse({ apiErrorMinutes: 5, disabledRules: ['aws-api-errors'] });
    expect(keys({ errorMinutes: lastMinutes(5) }, cfg)).toEqual(['probe-failed:llm', 'controller:telemetry']);
  });

  it('holds nothing when no API call failed lately and there was no AWS episode', () => {
    expect(keys({ errorMinutes: [] })).toEqual(['probe-failed:llm', 'controller:telemetry']);
  });
});
