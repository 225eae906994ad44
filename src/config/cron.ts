// Users write ordinary five-field cron ("0 8 * * 1-5"); Application Auto Scaling wants its own
// six-field form ("cron(0 8 ? * MON-FRI *)") where day-of-week counts 1=SUN and one of the two day
// fields must be "?". Converting here keeps the YAML familiar and the AWS call correct.
import { CronExpressionParser } from 'cron-parser';

const DOW_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'];

/** Returns an error message, or undefined when `expr` is a valid five-field cron expression. */
export function checkCron(expr: string): string | undefined {
  const fields = expr.trim().split(/\s+/);
  if (fields.length !== 5)
    return `must be a five-field cron expression (minute hour day month weekday), got ${fields.length} fields`;
  try {
    CronExpressionParser.parse(expr);
  } catch (e) {
    return `is not a valid cron expression: ${(e as Error).message}`;
  }
  const [, , dom, , dow] = fields;
  if (dom !== '*' && dow !== '*') {
    return 'cannot restrict both day-of-month and day-of-week (Application Auto Scaling allows only one)';
  }
  return undefined;
}

export function toAwsCron(expr: string): string {
  const [min, hour, dom, mon, dow] = expr.trim().split(/\s+/) as [string, string, string, string, string];
  const awsDow = dow === '*' ? '?' : dow.replace(/\d+/g, (d) => DOW_NAMES[Number(d)] ?? d);
  const awsDom = dow === '*' ? dom : '?';
  return `cron(${min} ${hour} ${awsDom} ${mon.toUpperCase()} ${awsDow.toUpperCase()} *)`;
}

export function checkTimeZone(tz: string): string | undefined {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return undefined;
  } catch {
    return `is not an IANA time zone (for example Europe/Brussels or UTC)`;
  }
}

/** Next fire time (ms) of a five-field cron expression strictly after `afterMs`, in time zone `tz`. */
export function nextCronTime(expr: string, afterMs: number, tz = 'UTC'): number {
  const it = CronExpressionParser.parse(expr, { currentDate: new Date(afterMs), tz });
  return it.next().getTime();
}
