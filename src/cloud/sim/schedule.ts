// Application Auto Scaling schedule expressions -> fire times, so scheduled actions (keep-warm windows)
// run in the simulated cloud exactly as written for AWS: `cron(m h dom mon dow year)` (day-of-week
// 1=SUN..7=SAT or names, `?` in one day field), `at(yyyy-mm-ddThh:mm:ss)` and `rate(N unit)`, all in
// the action's time zone.
import { CronExpressionParser } from 'cron-parser';

export class ScheduleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScheduleError';
  }
}

export interface ParsedSchedule {
  /** First fire time strictly after `afterMs`, or undefined when it never fires again. */
  next(afterMs: number): number | undefined;
}

const DOW_NAMES: Record<string, number> = { SUN: 0, MON: 1, TUE: 2, WED: 3, THU: 4, FRI: 5, SAT: 6 };

/** Converts an AWS cron body (six fields) to five-field cron plus the year field. */
export function awsCronToFiveField(body: string): { expr: string; year: string } {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6)
    throw new ScheduleError(
      `cron(${body}) must have six fields (minutes hours day-of-month month day-of-week year)`,
    );
  const [min, hour, dom, mon, dow, year] = fields as [string, string, string, string, string, string];
  if (dom !== '?' && dow !== '?')
    throw new ScheduleError(`cron(${body}): one of day-of-month and day-of-week must be "?"`);
  const fiveDom = dom === '?' ? '*' : dom;
  let fiveDow = '*';
  if (dow !== '?') {
    // AWS counts 1=SUN..7=SAT; five-field cron counts 0=SUN..6=SAT.
    fiveDow = dow
      .toUpperCase()
      .replace(/[A-Z]{3}/g, (n) => {
        const v = DOW_NAMES[n];
        if (v === undefined) throw new ScheduleError(`cron(${body}): unknown day name ${n}`);
        return String(v + 1);
      })
      .replace(/\d+/g, (d) => {
        const v = Number(d);
        if (v < 1 || v > 7) throw new ScheduleError(`cron(${body}): day-of-week must be 1-7 (1 = Sunday)`);
        return String(v - 1);
      });
  }
  return { expr: `${min} ${hour} ${fiveDom} ${mon} ${fiveDow}`, year };
}

function yearMatches(field: string, year: number): boolean {
  if (field === '*' || field === '?') return true;
  return field.split(',').some((part) => {
    const [range, step] = part.split('/') as [string, string | undefined];
    const [lo, hi] = range.split('-').map(Number) as [number, number | undefined];
    const top = hi ?? (step ? 2199 : lo);
    if (year < lo || year > top) return false;
    return step ? (year - lo) % Number(step) === 0 : true;
  });
}

/** Milliseconds to add to a UTC instant to get the wall-clock time in `tz`. */
function tzOffsetMs(utcMs: number, tz: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(utcMs));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

function zonedToUtc(y: number, mo: number, d: number, h: number, mi: number, s: number, tz: string): number {
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  let guess = wall - tzOffsetMs(wall, tz);
  guess = wall - tzOffsetMs(guess, tz);
  return guess;
}

const RATE_UNITS: Record<string, number> = {
  minute: 60_000,
  minutes: 60_000,
  hour: 3_600_000,
  hours: 3_600_000,
  day: 86_400_000,
  days: 86_400_000,
};

/** Parses a schedule; `createdAt` anchors rate() expressions. */
export function parseSchedule(schedule: string, timezone = 'UTC', createdAt = 0): ParsedSchedule {
  const s = schedule.trim();
  const cron = /^cron\((.*)\)$/.exec(s);
  if (cron) {
    const { expr, year } = awsCronToFiveField(cron[1] as string);
    try {
      CronExpressionParser.parse(expr, { tz: timezone });
    } catch (e) {
      throw new ScheduleError(`${s}: ${(e as Error).message}`);
    }
    return {
      next(afterMs: number): number | undefined {
        let from = afterMs;
        for (let i = 0; i < 10_000; i++) {
          const it = CronExpressionParser.parse(expr, { currentDate: new Date(from), tz: timezone });
          let t: number;
          try {
            t = it.next().getTime();
          } catch {
            return undefined;
          }
          if (yearMatches(year, new Date(t).getUTCFullYear())) return t;
          from = t;
        }
        return undefined;
      },
    };
  }
  const at = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/.exec(s);
  if (at) {
    const [, y, mo, d, h, mi, se] = at.map(Number) as number[];
    const when = zonedToUtc(
      y as number,
      mo as number,
      d as number,
      h as number,
      mi as number,
      se as number,
      timezone,
    );
    return { next: (afterMs) => (when > afterMs ? when : undefined) };
  }
  const rate = /^rate\((\d+)\s+([a-z]+)\)$/.exec(s);
  if (rate) {
    const unit = RATE_UNITS[rate[2] as string];
    const n = Number(rate[1]);
    if (!unit || n < 1)
      throw new ScheduleError(`${s}: rate must be a positive number of minutes, hours or days`);
    const every = n * unit;
    return {
      next(afterMs: number): number {
        const k = Math.floor((afterMs - createdAt) / every) + 1;
        return createdAt + Math.max(1, k) * every;
      },
    };
  }
  throw new ScheduleError(`schedule "${s}" is not cron(...), at(...) or rate(...)`);
}
