import { describe, expect, it } from 'vitest';
import { MetricStore, MINUTE_MS } from './metrics.js';

const dims = [{ name: 'EndpointName', value: 'e' }];

describe('MetricStore', () => {
  it('aggregates minutes into periods with each statistic', () => {
    const store = new MetricStore(0);
    const s = store.getOrCreate('AWS/SageMaker', 'M', dims);
    s.add(10, 4, 1, 4, 4);
    s.add(11, 6, 2, 1, 5);
    s.add(13, 1, 1, 1, 1);
    const at = (stat: 'Average' | 'Sum' | 'Maximum' | 'Minimum' | 'SampleCount'): number[] =>
      Array.from(store.periodValues(s, stat, 2 * MINUTE_MS, 10 * MINUTE_MS, 2, 100 * MINUTE_MS));
    expect(at('Sum')).toEqual([10, 1]);
    expect(at('SampleCount')).toEqual([3, 1]);
    expect(at('Average')).toEqual([10 / 3, 1]);
    expect(at('Maximum')).toEqual([5, 1]);
    expect(at('Minimum')).toEqual([1, 1]);
    expect(Array.from(store.periodValues(s, 'Sum', MINUTE_MS, 12 * MINUTE_MS, 1, 100 * MINUTE_MS))).toEqual([
      NaN,
    ]);
  });

  it('shows a minute only once its delivery delay has passed', () => {
    const store = new MetricStore(10_000);
    const s = store.getOrCreate('AWS/SageMaker', 'M', dims);
    s.add(5, 1, 1, 1, 1);
    const read = (now: number): number =>
      store.periodValues(s, 'Sum', MINUTE_MS, 5 * MINUTE_MS, 1, now)[0] as number;
    expect(read(6 * MINUTE_MS + 9_999)).toBeNaN();
    expect(read(6 * MINUTE_MS + 10_000)).toBe(1);
  });

  it('finds series by dimensions in any order, and trims old minutes', () => {
    const store = new MetricStore(0);
    const both = [
      { name: 'VariantName', value: 'v' },
      { name: 'EndpointName', value: 'e' },
    ];
    const s = store.getOrCreate('AWS/SageMaker', 'M', both);
    expect(store.get('AWS/SageMaker', 'M', [...both].reverse())).toBe(s);
    expect(store.get('AWS/SageMaker', 'M', dims)).toBeUndefined();
    s.add(1, 1, 1, 1, 1);
    s.add(3, 3, 1, 3, 3);
    store.trimBefore(3);
    expect(s.firstMinute).toBe(3);
    expect(Array.from(store.periodValues(s, 'Sum', MINUTE_MS, MINUTE_MS, 3, 100 * MINUTE_MS))).toEqual([
      NaN,
      NaN,
      3,
    ]);
  });
});
