// One CloudWatch alarm evaluation: the last `evaluationPeriods` datapoints (NaN = missing), M of N
// breaching, and TreatMissingData:
//   notBreaching / breaching: a missing point counts as within / beyond the threshold;
//   missing: all points missing -> INSUFFICIENT_DATA, otherwise only present points count;
//   ignore: all points missing -> the state stays, otherwise only present points count.
// With fewer present points than DatapointsToAlarm, CloudWatch still alarms when every present point
// breaches; otherwise the alarm is OK (missing) or keeps its state (ignore).
import type { AlarmStateValue, ComparisonOperator, TreatMissingData } from '../types.js';

export function breaches(value: number, threshold: number, op: ComparisonOperator): boolean {
  switch (op) {
    case 'GreaterThanOrEqualToThreshold':
      return value >= threshold;
    case 'GreaterThanThreshold':
      return value > threshold;
    case 'LessThanThreshold':
      return value < threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= threshold;
  }
}

export interface AlarmRule {
  evaluationPeriods: number;
  datapointsToAlarm: number;
  threshold: number;
  comparisonOperator: ComparisonOperator;
  treatMissingData: TreatMissingData;
}

export function evaluateAlarm(
  values: Float64Array,
  rule: AlarmRule,
  current: AlarmStateValue,
): AlarmStateValue {
  let breaching = 0;
  let present = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (Number.isNaN(v)) {
      if (rule.treatMissingData === 'breaching') {
        breaching++;
        present++;
      } else if (rule.treatMissingData === 'notBreaching') present++;
      continue;
    }
    present++;
    if (breaches(v, rule.threshold, rule.comparisonOperator)) breaching++;
  }
  if (present === 0) return rule.treatMissingData === 'ignore' ? current : 'INSUFFICIENT_DATA';
  if (breaching >= rule.datapointsToAlarm) return 'ALARM';
  if (present < rule.datapointsToAlarm) {
    if (breaching === present) return 'ALARM';
    return rule.treatMissingData === 'ignore' ? current : 'OK';
  }
  return 'OK';
}

/** The value Application Auto Scaling sees with an alarm: its newest present datapoint. */
export function latestValue(values: Float64Array): number | undefined {
  for (let i = values.length - 1; i >= 0; i--) {
    const v = values[i] as number;
    if (!Number.isNaN(v)) return v;
  }
  return undefined;
}
