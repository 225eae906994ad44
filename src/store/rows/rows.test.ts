// The row modules both backends share: a values list must line up with its column list (both
// backends bind it positionally), read back through fromRow as the object written, and send only
// the free-text columns through the backend's text hook (PostgreSQL's NUL replacement).
import { describe, expect, it } from 'vitest';
import { ACTIVITY_COLUMNS, activityFromRow, activityValues, type ActivityRow } from './activities.js';
import { ALERT_COLUMNS, alertFromRow, alertValues, type AlertRow } from './alerts.js';
import { BILLING_DAY_COLUMNS, billingDayFromRow, billingDayValues, type BillingDayRow } from './billing.js';
import {
  CALIBRATION_COLUMNS,
  calibrationFromRow,
  calibrationValues,
  type CalibrationRow,
} from './calibrations.js';
import { INSTANCE_COLUMNS, instanceFromRow, instanceValues, type InstanceRow } from './instances.js';
import { PRICE_COLUMNS, priceFromRow, priceValues, type PriceRow } from './prices.js';
import { PROBE_COLUMNS, probeFromRow, probeValues, type ProbeRow } from './probes.js';
import { keepText, type SqlValue } from './values.js';
import type { ProbeResult } from '../probes.js';
import type { StoredActivity } from '../activities.js';
import type { AlertRecord } from '../alerts.js';

/** The row a statement with these columns and values stores, as a driver reads it back. */
function rowOf<R>(columns: string, values: SqlValue[]): R {
  const names = columns.split(',').map((c) => c.trim());
  expect(names).toHaveLength(values.length);
  return Object.fromEntries(names.map((n, i) => [n, values[i]])) as R;
}

/** The columns whose value the text hook changed. */
function textColumns(columns: string, values: (text: (s: string) => string) => SqlValue[]): string[] {
  const plain = rowOf<Record<string, SqlValue>>(columns, values(keepText));
  const marked = rowOf<Record<string, SqlValue>>(
    columns,
    values((s) => `<${s}>`),
  );
  return Object.keys(plain).filter((k) => plain[k] !== marked[k]);
}

const fullProbe: ProbeResult = {
  id: 'p',
  endpoint: 'e',
  startedAt: 1,
  finishedAt: 2,
  instancesAtStart: 0,
  cold: true,
  queuedS: 3,
  scaleOutS: 4,
  inServiceToOutputS: 5,
  totalS: 12,
  outcome: 'model_error',
  inferenceId: 'i',
  inputLocation: 's3://b/in',
  outputLocation: 's3://b/out',
  failureLocation: 's3://b/fail',
  errorMessage: 'boom',
  holder: 'h:1:t',
  component: 'c',
  alarmS: 6,
  failedInvocations: 7,
};

const activity: StoredActivity = {
  activityId: 'a',
  endpoint: 'e',
  variant: 'v',
  startTime: 1,
  endTime: 2,
  status: 'Successful',
  description: 'd',
  cause: 'c',
  desiredCount: 1,
};

const alert: AlertRecord = {
  key: 'k',
  endpoint: 'e',
  rule: 'r',
  state: 'firing',
  firstFiredAt: 1,
  lastFiredAt: 2,
  lastNotifiedAt: 3,
  resolvedAt: 4,
  summary: 's',
};

describe('shared row mappings', () => {
  it('read back what they write, every field set or every optional one absent', () => {
    expect(probeFromRow(rowOf<ProbeRow>(PROBE_COLUMNS, probeValues(fullProbe, keepText)))).toStrictEqual(
      fullProbe,
    );
    const bare: ProbeResult = {
      id: 'p',
      endpoint: 'e',
      startedAt: 1,
      instancesAtStart: 2,
      cold: false,
      outcome: 'running',
    };
    expect(probeFromRow(rowOf<ProbeRow>(PROBE_COLUMNS, probeValues(bare, keepText)))).toStrictEqual(bare);

    expect(
      activityFromRow(rowOf<ActivityRow>(ACTIVITY_COLUMNS, activityValues(activity, keepText))),
    ).toStrictEqual(activity);
    const { endTime: _e, desiredCount: _d, ...open } = activity;
    expect(
      activityFromRow(rowOf<ActivityRow>(ACTIVITY_COLUMNS, activityValues(open, keepText))),
    ).toStrictEqual(open);

    expect(alertFromRow(rowOf<AlertRow>(ALERT_COLUMNS, alertValues(alert, keepText)))).toStrictEqual(alert);
    const { endpoint: _n, lastNotifiedAt: _l, resolvedAt: _r, ...global } = alert;
    expect(alertFromRow(rowOf<AlertRow>(ALERT_COLUMNS, alertValues(global, keepText)))).toStrictEqual(global);

    const t = { endpoint: 'e', variant: 'v', at: 1, count: 2, source: 'poll' as const, activityId: 'a' };
    expect(instanceFromRow(rowOf<InstanceRow>(INSTANCE_COLUMNS, instanceValues(t)))).toStrictEqual(t);

    const price = {
      region: 'r',
      instanceType: 'ml.m5.large',
      usdPerHour: 0.115,
      source: 'table' as const,
      detail: 'd',
      fetchedAt: 1,
    };
    expect(priceFromRow(rowOf<PriceRow>(PRICE_COLUMNS, priceValues(price)))).toStrictEqual(price);

    const fit = { endpoint: 'e', madeAt: 1, fit: { a: [1, 2] }, agrees: true };
    expect(
      calibrationFromRow(rowOf<CalibrationRow>(CALIBRATION_COLUMNS, calibrationValues(fit))),
    ).toStrictEqual(fit);

    const day = { day: '2026-01-05', source: 'ce', fetchedAt: 1, estimated: true, final: false };
    expect(billingDayFromRow(rowOf<BillingDayRow>(BILLING_DAY_COLUMNS, billingDayValues(day)))).toStrictEqual(
      day,
    );
  });

  it('send only the free-text columns through the backend text hook', () => {
    expect(textColumns(PROBE_COLUMNS, (text) => probeValues(fullProbe, text))).toStrictEqual([
      'error_message',
    ]);
    expect(textColumns(ACTIVITY_COLUMNS, (text) => activityValues(activity, text))).toStrictEqual([
      'status',
      'description',
      'cause',
    ]);
    expect(textColumns(ALERT_COLUMNS, (text) => alertValues(alert, text))).toStrictEqual(['summary']);
  });

  it('refuse a count or a price no row may hold, whichever backend stores it', () => {
    const t = { endpoint: 'e', variant: 'v', at: 1, source: 'poll' as const };
    expect(() => instanceValues({ ...t, count: -1 })).toThrow('instance count must be >= 0, got -1');
    expect(() => instanceValues({ ...t, count: 1.5 })).toThrow(RangeError);
    const p = { region: 'r', instanceType: 'i', source: 'api' as const, detail: 'd', fetchedAt: 1 };
    expect(() => priceValues({ ...p, usdPerHour: Number.NaN })).toThrow('bad price NaN');
    expect(() => priceValues({ ...p, usdPerHour: -1 })).toThrow(RangeError);
  });
});
