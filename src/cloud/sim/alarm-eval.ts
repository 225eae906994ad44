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

/**
 * The metric value a step scaling policy compares with the alarm threshold: the alarm's datapoints in
 * its evaluation range, aggregated with the policy's MetricAggregationType ("The aggregation type for
 * the CloudWatch metrics. Valid values are Minimum, Maximum, and Average. If the aggregation type is
 * null, the value is treated as Average." StepScalingPolicyConfiguration, Application Auto Scaling API
 * Reference, https://docs.aws.amazon.com/autoscaling/application/APIReference/API_StepScalingPolicyConfiguration.html).
 * Missing datapoints (NaN) are left out; undefined when every one is missing. Which datapoints AAS
 * aggregates (the whole evaluation range or only the breaching ones) is not documented: the sim uses
 * every present datapoint of the range (assumed).
 */
export function aggregateValues(
  values: Float64Array,
  type: 'Average' | 'Minimum' | 'Maximum',
): number | undefined {
  let n = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (Number.isNaN(v)) continue;
    n++;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (n === 0) return undefined;
  return type === 'Average' ? sum / n : type === 'Minimum' ? min : max;
}
