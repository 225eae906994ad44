// The benchmark's capacity sizing (bench/capacity.ts): the always-on fleet that meets the deadline is
// a first-come-first-served queue, checked here against hand-computed cases.
import { describe, expect, it } from 'vitest';
import { alwaysOnFleet, fleetMeetsDeadline, sizeEndpoint } from '../../bench/capacity.js';

describe('fleetMeetsDeadline', () => {
  it('queues requests first come, first served on the earliest free slot', () => {
    // Three 300 s requests at 0 on one instance end at 300, 600, 900: the third's time to result is
    // 900 s, so D = 900 is met and D = 899 is not.
    expect(fleetMeetsDeadline([0, 0, 0], [300, 300, 300], 1, 1, 900)).toBe(true);
    expect(fleetMeetsDeadline([0, 0, 0], [300, 300, 300], 1, 1, 899)).toBe(false);
    // Two instances: 300, 300, 600.
    expect(fleetMeetsDeadline([0, 0, 0], [300, 300, 300], 2, 1, 600)).toBe(true);
    // One instance with two slots is the same as two instances with one.
    expect(fleetMeetsDeadline([0, 0, 0], [300, 300, 300], 1, 2, 600)).toBe(true);
    expect(fleetMeetsDeadline([0, 0, 0], [300, 300, 300], 1, 2, 599)).toBe(false);
  });

  it('gives a request longer than D the deadline of its own service, as the deadline optimum does', () => {
    expect(fleetMeetsDeadline([0], [1200], 1, 1, 900)).toBe(true);
    // The second one waits 1200 s behind it: 2400 > max(900, 1200).
    expect(fleetMeetsDeadline([0, 0], [1200, 1200], 1, 1, 900)).toBe(false);
  });
});

describe('alwaysOnFleet', () => {
  it('is the smallest fleet that meets the deadline, undefined past the limit', () => {
    // Ten 600 s requests at once, D = 900: each instance can finish one at 600 and a second at 1200
    // (> 900), so ten instances are needed.
    const arrivals = new Array<number>(10).fill(0);
    const service = new Array<number>(10).fill(600);
    expect(alwaysOnFleet(arrivals, service, 1, 900, 16)).toBe(10);
    expect(alwaysOnFleet(arrivals, service, 1, 900, 9)).toBeUndefined();
    // D = 1200: two per instance, five instances.
    expect(alwaysOnFleet(arrivals, service, 1, 1200, 16)).toBe(5);
  });

  it('sizes the scaling policies at least at 2, the optimum peak and the fleet', () => {
    const cap = sizeEndpoint([0, 0, 0], [300, 300, 300], 480, 1, 600, 16);
    expect(cap.alwaysOn).toBe(2);
    expect(cap.maxCapacity).toBeGreaterThanOrEqual(2);
    expect(cap.maxCapacity).toBeGreaterThanOrEqual(cap.optimum.peakInstances);
  });
});
