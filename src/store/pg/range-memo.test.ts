import { describe, expect, it } from 'vitest';
import { MEMO_LIMIT, pruneNotice, RangeMemo, RESET_NOTICE, updateNotice } from './range-memo.js';

const MIN = 60_000;
/** Minutes 10-12 and 20-25, as minute numbers. */
const early = { lo: 10, hi: 12 };
const late = { lo: 20, hi: 25 };

function listening(): RangeMemo<number | undefined> {
  const memo = new RangeMemo<number | undefined>();
  memo.setListening(true);
  memo.put(memo.begin()!, 'k', [
    { ...early, value: 1 },
    { ...late, value: undefined },
  ]);
  return memo;
}

describe('RangeMemo', () => {
  it('keeps and answers nothing until its channel is listened to', () => {
    const memo = new RangeMemo<number>();
    expect(memo.begin()).toBeUndefined();
    memo.put(0, 'k', [{ ...early, value: 1 }]);
    expect(memo.get('k', early)).toBeUndefined();
  });

  it('answers a kept range, including a kept "no value", by key and exact bounds', () => {
    const memo = listening();
    expect(memo.get('k', early)).toMatchObject({ value: 1 });
    expect(memo.get('k', late)).toMatchObject({ value: undefined });
    expect(memo.get('k', { lo: 10, hi: 11 })).toBeUndefined();
    expect(memo.get('other', early)).toBeUndefined();
    expect(memo.entries).toBe(2);
  });

  it('keeps nothing computed across a change notice (its snapshot may predate the change)', () => {
    const memo = new RangeMemo<number>();
    memo.setListening(true);
    const token = memo.begin()!;
    memo.notice(updateNotice(90 * MIN, 91 * MIN)); // far from the range: still not kept
    memo.put(token, 'k', [{ ...early, value: 1 }]);
    expect(memo.get('k', early)).toBeUndefined();
    memo.put(memo.begin()!, 'k', [{ ...early, value: 1 }]);
    expect(memo.get('k', early)).toMatchObject({ value: 1 });
  });

  it('drops on a write exactly the ranges that overlap the written minutes, ends included', () => {
    const memo = listening();
    memo.notice(updateNotice(13 * MIN, 19 * MIN)); // between the two: both stay
    expect(memo.entries).toBe(2);
    memo.notice(updateNotice(12 * MIN, 12 * MIN)); // the early range's last minute
    expect(memo.get('k', early)).toBeUndefined();
    expect(memo.get('k', late)).toMatchObject({ value: undefined });
    memo.notice(updateNotice(0, 20 * MIN)); // reaches the late range's first minute
    expect(memo.entries).toBe(0);
  });

  it('drops on a prune the ranges that start before the pruned time', () => {
    const memo = listening();
    memo.notice(pruneNotice(10 * MIN)); // nothing before minute 10 was kept
    expect(memo.entries).toBe(2);
    memo.notice(pruneNotice(10 * MIN + 1)); // part of minute 10 may be gone
    expect(memo.get('k', early)).toBeUndefined();
    expect(memo.get('k', late)).toMatchObject({ value: undefined });
  });

  it('drops everything on a reset, a notice it cannot read, or a lost channel', () => {
    for (const drop of [
      (m: RangeMemo<number | undefined>) => m.notice(RESET_NOTICE),
      (m: RangeMemo<number | undefined>) => m.notice('u,1'),
      (m: RangeMemo<number | undefined>) => m.setListening(false),
    ]) {
      const memo = listening();
      drop(memo);
      expect(memo.entries).toBe(0);
    }
    const memo = listening();
    const token = memo.begin()!;
    memo.setListening(false);
    memo.setListening(true);
    // A read that began before the channel was lost may have missed a change: not kept.
    memo.put(token, 'k', [{ ...early, value: 1 }]);
    expect(memo.entries).toBe(0);
  });

  it('keeps no range it cannot encode exactly (two years or longer, before 1970)', () => {
    const memo = new RangeMemo<number>();
    memo.setListening(true);
    const long = { lo: 10, hi: 10 + 2 ** 20 };
    const justShort = { lo: 10, hi: 10 + 2 ** 20 - 1 };
    const before1970 = { lo: -5, hi: -1 };
    memo.put(memo.begin()!, 'k', [
      { ...long, value: 1 },
      { ...justShort, value: 2 },
      { ...before1970, value: 3 },
    ]);
    expect(memo.entries).toBe(1);
    expect(memo.get('k', long)).toBeUndefined();
    expect(memo.get('k', justShort)).toMatchObject({ value: 2 });
    expect(memo.get('k', before1970)).toBeUndefined();
    // Decoded back for a write at its last minute.
    memo.notice(updateNotice((10 + 2 ** 20 - 1) * MIN, (10 + 2 ** 20 - 1) * MIN));
    expect(memo.entries).toBe(0);
  });

  it('weighs a list by its numbers: one that alone passes the limit is not kept', () => {
    const memo = new RangeMemo<readonly number[]>();
    memo.setListening(true);
    memo.put(memo.begin()!, 'k', [{ ...early, value: [1, 2, 3, 4] }]);
    expect(memo.entries).toBe(5);
    memo.put(memo.begin()!, 'k', [{ ...early, value: [] }]);
    expect(memo.entries).toBe(1);
    memo.put(memo.begin()!, 'k', [{ ...late, value: new Array<number>(MEMO_LIMIT).fill(0) }]);
    expect(memo.get('k', late)).toBeUndefined();
    expect(memo.entries).toBe(1);
  });

  it(`starts over rather than hold more than ${MEMO_LIMIT} answers`, () => {
    const memo = new RangeMemo<number>();
    memo.setListening(true);
    const many = Array.from({ length: MEMO_LIMIT }, (_, i) => ({ lo: i, hi: i, value: i }));
    memo.put(memo.begin()!, 'a', many);
    expect(memo.entries).toBe(MEMO_LIMIT);
    memo.put(memo.begin()!, 'b', [{ ...early, value: 7 }]);
    expect(memo.entries).toBe(1);
    expect(memo.get('b', early)).toMatchObject({ value: 7 });
  });
});
