import { describe, expect, it } from 'vitest';
import { EventHeap } from './heap.js';
import { Rng } from './rng.js';

describe('EventHeap', () => {
  it('pops events in time order, equal times in insertion order', () => {
    const heap = new EventHeap(2);
    const rng = new Rng(3);
    const pushed: { time: number; payload: number }[] = [];
    for (let i = 0; i < 5000; i++) {
      const time = rng.int(200);
      heap.push(time, 1, i);
      pushed.push({ time, payload: i });
    }
    const expected = [...pushed].sort((a, b) => a.time - b.time || a.payload - b.payload);
    const got: { time: number; payload: number }[] = [];
    while (heap.pop()) got.push({ time: heap.popTime, payload: heap.popPayload });
    expect(got).toEqual(expected);
  });

  it('reports +Infinity when empty and keeps kinds with their events', () => {
    const heap = new EventHeap();
    expect(heap.peekTime()).toBe(Infinity);
    heap.push(10, 7, 1);
    heap.push(5, 3, 2);
    expect(heap.pop()).toBe(true);
    expect([heap.popTime, heap.popKind, heap.popPayload]).toEqual([5, 3, 2]);
    expect(heap.pop()).toBe(true);
    expect([heap.popTime, heap.popKind, heap.popPayload]).toEqual([10, 7, 1]);
    expect(heap.pop()).toBe(false);
  });
});
