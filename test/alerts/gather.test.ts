// The alert inputs read from a real store, evaluated and processed end to end (no Slack: recorded only).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAlerting } from '../../src/alerts/alerting.js';
import { alertsConfigSchema } from '../../src/alerts/config.js';
import { alertEndpointsFromConfig, gatherAlertInputs } from '../../src/alerts/gather.js';
import { evaluateRules } from '../../src/alerts/evaluate.js';
import { SkippingClock } from '../../src/clock.js';
import { openStore, type Store } from '../../src/store/index.js';

const MIN = 60_000;
const NOW = Date.UTC(2026, 0, 16, 12, 0, 30);
let store: Store;
beforeEach(async () => {
  store = await openStore(':memory:');
});
afterEach(() => store.close());

describe('gatherAlertInputs + createAlerting', () => {
  it('turns stored probes, backlog minutes, API errors and controller runs into alerts', async () => {
    await store.probes.save({
      id: 'p1',
      endpoint: 'llm-a',
      startedAt: NOW - 3600_000,
      finishedAt: NOW - 3000_000,
      instancesAtStart: 0,
      cold: true,
      outcome: 'success',
      totalS: 900,
      queuedS: 100,
      scaleOutS: 700,
      inServiceToOutputS: 100,
    });
    const cur = Math.floor(NOW / MIN) * MIN;
    await store.metrics.upsert(
      Array.from({ length: 30 }, (_, i) => ({
        endpoint: 'llm-a',
        metric: 'HasBacklogWithoutCapacity',
        minute: cur - (30 - i) * MIN,
        value: 1,
      })),
    );
    for (let i = 0; i < 10; i++) {
      await store.apiCalls.record(
        { service: 'sagemaker', operation: 'DescribeEndpoint', ok: false, errorCode: 'AccessDenied' },
        cur - i * MIN + 1000,
      );
    }
    for (let i = 0; i < 3; i++)
      await store.controllers.error('telemetry', NOW - i * MIN, 'AccessDeniedException');

    const config = alertsConfigSchema.parse({});
    const inputs = await gatherAlertInputs({
      store,
      endpoints: [
        { name: 'llm-a', wake: { periodSeconds: 60, evaluationPeriods: 2 }, coldStartSloSeconds: 720 },
      ],
      now: NOW,
      config,
    });
    const clock = new SkippingClock(NOW);
    const outcomes = await createAlerting({ config, state: store.alerts, clock }).evaluate(inputs);
    // The telemetry controller fails because its AWS calls do: the AWS alert speaks for it
    // (src/alerts/inhibit.ts) instead of a second alert for the same cause.
    expect(outcomes.map((o) => [o.key, o.action]).sort()).toEqual([
      ['aws-api-errors', 'fired'],
      ['backlog-without-capacity:llm-a', 'fired'],
      ['cold-start-slo:llm-a', 'fired'],
    ]);
    expect((await store.alerts.firing()).map((a) => a.key)).toHaveLength(3);
    const aws = evaluateRules(inputs, config).conditions.find((c) => c.rule === 'aws-api-errors');
    expect(aws?.facts).toContainEqual({
      label: 'Also failing (held)',
      value: 'sagezero telemetry controller is failing',
    });
  });
});

describe('gatherAlertInputs: the AWS API errors message', () => {
  it('counts the failing calls over the minutes the rule judged, however far apart they are', async () => {
    // Calls complete only every third minute (a slow daemon): the five minutes with calls the rule
    // judges span 13 clock minutes, within its lookback of three 5-minute windows.
    const cur = Math.floor(NOW / MIN) * MIN;
    for (let i = 0; i < 5; i++) {
      await store.apiCalls.record(
        { service: 'sagemaker', operation: 'DescribeEndpoint', ok: false, errorCode: 'ThrottlingException' },
        cur - 3 * i * MIN + 1000,
      );
    }
    // Older than the lookback: neither judged nor counted.
    await store.apiCalls.record(
      { service: 'sagemaker', operation: 'DescribeEndpoint', ok: false, errorCode: 'ThrottlingException' },
      cur - 20 * MIN,
    );
    const config = alertsConfigSchema.parse({ apiErrorMinutes: 5 });
    const inputs = await gatherAlertInputs({ store, endpoints: [], now: NOW, config });
    const aws = evaluateRules(inputs, config).conditions.find((c) => c.rule === 'aws-api-errors');
    expect(aws?.facts).toEqual([
      { label: 'Minutes with failures', value: '5 of 5' },
      { label: 'Failing calls', value: 'sagemaker DescribeEndpoint: 5' },
    ]);
  });
});

describe('alertEndpointsFromConfig', () => {
  it('takes each endpoint wake policy and its probe SLO', () => {
    const endpoints = [
      {
        name: 'a',
        scaling: { wake: { periodSeconds: 60, evaluationPeriods: 2 } },
        probe: { payload: { inputs: 'x' }, coldStartSloSeconds: 600 },
      },
      { name: 'b', scaling: { wake: false as const } },
    ];
    expect(alertEndpointsFromConfig({ file: 'x.yaml', endpoints })).toEqual([
      { name: 'a', wake: { periodSeconds: 60, evaluationPeriods: 2 }, coldStartSloSeconds: 600 },
      { name: 'b', wake: false },
    ]);
  });
});
