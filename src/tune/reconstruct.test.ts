import { describe, expect, it } from 'vitest';
import { arrivalCounts } from './reconstruct.js';

/** Per-minute metrics of a FIFO queue with one server that finishes `rate` requests a minute. */
function queueMetrics(arrivals: number[], rate: number): { processed: number[]; backlog: number[] } {
  let q = 0;
  const processed: number[] = [];
  const backlog: number[] = [];
  for (const a of arrivals) {
    q += a;
    const done = Math.min(q, rate);
    q -= done;
    processed.push(done);
    backlog.push(q);
  }
  return { processed, backlog };
}

const zeros = (n: number): number[] => new Array<number>(n).fill(0);

describe('arrivalCounts', () => {
  it('recovers arrivals exactly from processed counts and the backlog, even when work queues for minutes', () => {
    const truth = [0, 7, 0, 0, 3, 12, 1, 0, 0, 0, 4];
    const m = queueMetrics(truth, 2);
    const counts = arrivalCounts({
      processed: m.processed,
      failures: zeros(truth.length),
      expired: zeros(truth.length),
      backlog: m.backlog,
      backlogBefore: 0,
    });
    expect([...counts]).toEqual(truth);
  });

  it('counts expired and failed requests as arrivals that left', () => {
    const counts = arrivalCounts({
      processed: [0, 0, 1],
      failures: [0, 0, 1],
      expired: [0, 2, 0],
      backlog: [4, 2, 0],
      backlogBefore: 0,
    });
    expect([...counts]).toEqual([4, 0, 0]);
  });

  it('does not count a backlog that was already there when the window starts', () => {
    const counts = arrivalCounts({
      processed: [3, 0],
      failures: [0, 0],
      expired: [0, 0],
      backlog: [0, 0],
      backlogBefore: 3,
    });
    expect([...counts]).toEqual([0, 0]);
  });

  it('keeps the last backlog level through minutes without a datapoint', () => {
    const counts = arrivalCounts({
      processed: [0, 0, 0, 5],
      failures: [0, 0, 0, 0],
      expired: [0, 0, 0, 0],
      backlog: [5, NaN, NaN, 0],
      backlogBefore: 0,
    });
    expect([...counts]).toEqual([5, 0, 0, 0]);
  });

  it('carries a negative minute (gauge noise) into the next ones instead of inventing requests', () => {
    // The backlog reads 1 too high in minute 0: minute 1 looks like -1 arrivals.
    const counts = arrivalCounts({
      processed: [2, 2, 3],
      failures: [0, 0, 0],
      expired: [0, 0, 0],
      backlog: [4, 1, 0],
      backlogBefore: 0,
    });
    expect(counts.reduce((a, b) => a + b, 0)).toBe(2 + 2 + 3);
    expect([...counts]).toEqual([6, 0, 1]);
  });

  it('keeps fractional (averaged) levels as remainders so totals add up', () => {
    const counts = arrivalCounts({
      processed: [0, 0, 0, 0],
      failures: [0, 0, 0, 0],
      expired: [0, 0, 0, 0],
      backlog: [0.5, 1, 1.5, 2],
      backlogBefore: 0,
    });
    expect(counts.reduce((a, b) => a + b, 0)).toBe(2);
  });
});
