// The report's series is bounded: a step whose series would hold more than MAX_SERIES_POINTS
// (endpoints x buckets) is a 400 naming step, the point count and what fits; step=auto picks the
// smallest ladder step that fits. Counts below are worked out by hand from the window and the fleet.
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock.js';
import type { CostReport } from '../../src/cost/report-types.js';
import {
  bucketCount,
  MAX_SERIES_POINTS,
  parseSeriesWindow,
  SeriesLimitError,
  STEP_LADDER,
} from '../../src/cost/series-limit.js';
import { buckets, ReportParamError } from '../../src/cost/window.js';
import { createApp, type SagezeroApp } from '../../src/server/app.js';
import { openStore, type Store } from '../../src/store/index.js';
import { config, endpoint, tablePrices } from './helpers.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
// On the hour and at noon: a 90 d window ending now starts on the hour too (at noon UTC).
const NOW = Date.UTC(2026, 2, 10, 12, 0, 0);

let store: Store;

beforeEach(async () => {
  store = await openStore(':memory:');
});
afterEach(() => store.close());

function appWith(n: number): SagezeroApp {
  const clock = new VirtualClock(NOW);
  const names = Array.from({ length: n }, (_, i) => `ep-${String(i).padStart(3, '0')}`);
  return createApp({
    store,
    config: config(names.map((name) => endpoint(name))),
    clock,
    prices: tablePrices(store, clock),
  });
}

interface LimitBody {
  error: {
    parameter: string;
    message: string;
    step: string;
    endpoints: number;
    buckets: number;
    points: number;
    limit: number;
    smallestStep: string | null;
    largestSince: string | null;
  };
}

async function get<T>(app: SagezeroApp, url: string): Promise<{ status: number; body: T }> {
  const res = await app.request(url);
  return { status: res.status, body: (await res.json()) as T };
}

describe('the series point limit over HTTP', () => {
  it('refuses since=90d&step=1h over 100 endpoints with a 400 naming step, the points and what fits', async () => {
    const app = appWith(100);
    // 90 d x 24 = 2,160 hourly buckets (the window starts and ends on the hour); x 100 endpoints =
    // 216,000 points, over 20,000. 6h: 90 x 4 = 360 buckets x 100 = 36,000, still over. 1d: noon to
    // noon touches 91 UTC days, 91 x 100 = 9,100, fits. Longest window at 1h: 20,000 / 100 = 200
    // buckets, and 199 h spans at most 200 aligned hours wherever it starts.
    for (const path of ['/api/v1/report', '/api/v1/report.csv']) {
      const { status, body } = await get<LimitBody>(app, `${path}?since=90d&step=1h`);
      expect(status).toBe(400);
      expect(body.error).toMatchObject({
        parameter: 'step',
        step: '1h',
        endpoints: 100,
        buckets: 2160,
        points: 216_000,
        limit: 20_000,
        smallestStep: '1d',
        largestSince: '199h',
      });
      expect(body.error.message).toContain('216,000 points');
      expect(body.error.message).toContain('the smallest step that fits is 1d');
      expect(body.error.message).toContain('at most 199h');
    }
  });

  it('step=auto picks the smallest step that fits: 1d for 100 endpoints, 6h for 10', async () => {
    const hundred = await get<CostReport>(appWith(100), '/api/v1/report?since=90d&step=auto');
    expect(hundred.status).toBe(200);
    expect(hundred.body.window.step).toBe('1d');
    expect(hundred.body.total.series).toHaveLength(91); // the 91 UTC days worked out above
    // 10 endpoints: 5m and 15m give 25,920 and 8,640 buckets (over 5,000 per series); 1h gives
    // 2,160 x 10 = 21,600 points (over 20,000); 6h gives 360 x 10 = 3,600.
    const ten = await get<CostReport>(appWith(10), '/api/v1/report?since=90d&step=auto');
    expect(ten.status).toBe(200);
    expect(ten.body.window.step).toBe('6h');
    expect(ten.body.endpoints[0]!.series).toHaveLength(360);
    const csv = await appWith(10).request('/api/v1/report.csv?since=90d&step=auto');
    expect(csv.status).toBe(200);
  });

  it('counts only the endpoints asked for', async () => {
    // One endpoint of the 100: 2,160 x 1 points.
    const one = await get<CostReport>(appWith(100), '/api/v1/report?since=90d&step=1h&endpoint=ep-007');
    expect(one.status).toBe(200);
    expect(one.body.endpoints[0]!.series).toHaveLength(2160);
  });

  it('names auto in the error when no step fits', async () => {
    // 1,000 endpoints x 91 daily buckets = 91,000 points; 20,000 / 1,000 = 20 buckets, so 19d.
    const { status, body } = await get<LimitBody>(appWith(1000), '/api/v1/report?since=90d&step=auto');
    expect(status).toBe(400);
    expect(body.error).toMatchObject({
      parameter: 'step',
      points: 91_000,
      smallestStep: null,
      largestSince: '19d',
    });
    expect(body.error.message).toMatch(/^step: auto: even 1d gives 91,000 points/);
  });
});

describe('parseSeriesWindow', () => {
  it('applies the per-series bucket cap too, with a single endpoint', () => {
    // 30 d at 5m = 8,640 buckets, over 5,000 per series though only 8,640 points; 15m gives 2,880.
    const err = (() => {
      try {
        parseSeriesWindow({ since: '30d', step: '5m' }, NOW, 1);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(SeriesLimitError);
    expect((err as SeriesLimitError).details).toMatchObject({ buckets: 8640, smallestStep: '15m' });
    expect((err as Error).message).toContain('more than 5,000 buckets per series');
  });

  it('rejects an unknown step listing the ladder and auto', () => {
    expect(() => parseSeriesWindow({ step: '2h' }, NOW, 1)).toThrow(ReportParamError);
    expect(() => parseSeriesWindow({ step: '2h' }, NOW, 1)).toThrow(
      'step: must be one of 5m, 15m, 1h, 6h, 1d or auto, got "2h"',
    );
  });

  it('never returns a window whose series is over the limit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 400 * DAY }),
        fc.integer({ min: 0, max: 7 * DAY }),
        fc.integer({ min: 1, max: 300 }),
        fc.constantFrom(...STEP_LADDER, 'auto'),
        (len, shift, n, step) => {
          const now = NOW - shift;
          const since = `${Math.max(1, Math.floor(len / 60_000))}m`;
          let w;
          try {
            w = parseSeriesWindow({ since, step }, now, n);
          } catch (e) {
            if (e instanceof SeriesLimitError) {
              expect(e.details.points).toBe(e.details.buckets * n);
              return;
            }
            throw e;
          }
          expect(buckets(w).length * n).toBeLessThanOrEqual(MAX_SERIES_POINTS);
        },
      ),
    );
  });

  it('counts buckets as buckets() makes them', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10 * DAY }),
        fc.integer({ min: 1, max: 30 * DAY }),
        fc.constantFrom(...STEP_LADDER),
        (offset, len, step) => {
          const start = NOW - 40 * DAY + offset;
          const w = { start, end: start + len, step };
          expect(bucketCount(w.start, w.end, step)).toBe(buckets(w).length);
        },
      ),
    );
  });
});
