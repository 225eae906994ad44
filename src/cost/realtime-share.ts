// The parts of the cost report particular to real-time endpoints with inference components.
//
// AWS bills a real-time endpoint per instance of its variant, whatever runs on it: the endpoint's
// instance-hours are the bill, integrated as for an async endpoint. The components share those
// instances, so a component's share is only an allocation, and it is made so that the shares add up
// to the endpoint's total exactly:
// - while copies run, each instance-moment goes to the components in proportion to the resources
//   their copies hold (copies x accelerators per copy; x memory per copy when some component needs
//   no accelerator);
// - while instances run with no copy at all (managed scaling's idle release waits, 20 minutes by
//   default, before releasing an instance), the time goes to the components that held the
//   instances last: their leaving is what the instances wait out;
// - instance time before any copy was recorded is `unattributed`.
// The always-on baseline is the honest floor of running the same models without scale to zero: the
// instances needed to keep one copy of each component placed all the time (packed first-fit by
// accelerators; a copy cannot span instances), never fewer than managedScaling.minInstances.
import type { StepPoint } from '../store/index.js';
import { gpusPerInstance } from './gpus.js';
import type { CountSegment } from './integrate.js';

export interface ShareComponent {
  /** The component's name in the config. */
  name: string;
  acceleratorsPerCopy: number;
  memoryMb: number;
}

export interface CopyHistory {
  /** Copies in force at the start of the range (0 when unknown). */
  initial: number;
  /** Transitions inside the range, in time order. */
  transitions: readonly StepPoint[];
}

export interface ShareSegments {
  /** Per component (same order as given): fractional instance counts over time. */
  components: CountSegment[][];
  unattributed: CountSegment[];
  /** What the weights are: 'accelerators' or 'memory'. */
  weightedBy: 'accelerators' | 'memory';
}

/** A copy's weight: accelerators when every component uses some, else memory. */
export function shareWeights(components: readonly ShareComponent[]): {
  weights: number[];
  weightedBy: 'accelerators' | 'memory';
} {
  const byAccelerators = components.every((c) => c.acceleratorsPerCopy > 0);
  return {
    weights: components.map((c) => (byAccelerators ? c.acceleratorsPerCopy : c.memoryMb)),
    weightedBy: byAccelerators ? 'accelerators' : 'memory',
  };
}

/**
 * Splits `instances` (segments over a range) among components by their copy histories over the same
 * range. At every moment the parts sum to the instance count, so integrated they sum to the total.
 */
export function shareSegments(
  instances: readonly CountSegment[],
  components: readonly ShareComponent[],
  copies: readonly CopyHistory[],
): ShareSegments {
  const { weights, weightedBy } = shareWeights(components);
  const out: ShareSegments = { components: components.map(() => []), unattributed: [], weightedBy };
  const cursors = copies.map(() => 0);
  const current = copies.map((h) => h.initial);
  let last: number[] | undefined;
  for (const seg of instances) {
    // Cut the segment at every copy transition inside it.
    const cuts = new Set<number>([seg.from]);
    for (const h of copies)
      for (const t of h.transitions) if (t.at > seg.from && t.at < seg.to) cuts.add(t.at);
    const points = [...cuts].sort((a, b) => a - b);
    points.forEach((from, k) => {
      const to = points[k + 1] ?? seg.to;
      copies.forEach((h, i) => {
        while (cursors[i]! < h.transitions.length && h.transitions[cursors[i]!]!.at <= from) {
          current[i] = h.transitions[cursors[i]!]!.count;
          cursors[i]!++;
        }
      });
      const held = current.map((c, i) => Math.max(0, c) * weights[i]!);
      const sum = held.reduce((a, b) => a + b, 0);
      if (sum > 0) last = held;
      if (seg.count <= 0) return;
      const basis = sum > 0 ? held : last;
      if (!basis) {
        out.unattributed.push({ from, to, count: seg.count });
        return;
      }
      const total = basis.reduce((a, b) => a + b, 0);
      basis.forEach((w, i) => {
        if (w > 0) out.components[i]!.push({ from, to, count: (seg.count * w) / total });
      });
    });
  }
  return out;
}

export interface AlwaysOnFloor {
  instances: number;
  /** One line for the report saying how the number was reached. */
  basis: string;
}

/** Instances to keep one copy of each component placed, never fewer than `minInstances` (or 1). */
export function alwaysOnFloor(
  instanceType: string,
  components: readonly ShareComponent[],
  minInstances: number,
  configured?: number,
): AlwaysOnFloor {
  if (configured !== undefined) {
    return { instances: configured, basis: `baselineInstances ${configured} (from the config)` };
  }
  const gpus = gpusPerInstance(instanceType);
  const floor = Math.max(1, minInstances);
  if (gpus === undefined || gpus === 0 || components.some((c) => c.acceleratorsPerCopy === 0)) {
    return {
      instances: floor,
      basis:
        `${floor} instance${floor === 1 ? '' : 's'}: one copy of each of ${components.length} components ` +
        `assumed to fit on one ${instanceType} (accelerators per instance not known or not used); ` +
        'set baselineInstances to correct it',
    };
  }
  // First-fit decreasing: a copy goes on the first instance with room for its accelerators.
  const free: number[] = [];
  for (const need of components.map((c) => c.acceleratorsPerCopy).sort((a, b) => b - a)) {
    const i = free.findIndex((f) => f >= need);
    if (i >= 0) free[i]! -= need;
    else free.push(gpus - need);
  }
  const packed = Math.max(free.length, floor);
  const used = components.reduce((n, c) => n + c.acceleratorsPerCopy, 0);
  return {
    instances: packed,
    basis:
      `${packed} instance${packed === 1 ? '' : 's'}: one copy of each of ${components.length} components ` +
      `(${used} accelerators, ${gpus} per ${instanceType}) placed all the time` +
      (packed > free.length ? ` (managedScaling.minInstances ${minInstances})` : ''),
  };
}

/**
 * Rounds `parts` to `digits` so that they sum to `total` rounded the same way (largest remainder):
 * the report prints shares that add up to the endpoint's figure, not one unit off.
 */
export function roundToSum(parts: readonly number[], total: number, digits = 6): number[] {
  const f = 10 ** digits;
  const target = Math.round(total * f);
  const floors = parts.map((p) => Math.floor(p * f));
  let missing = target - floors.reduce((a, b) => a + b, 0);
  const order = parts
    .map((p, i) => ({ i, rem: p * f - Math.floor(p * f) }))
    .sort((a, b) => b.rem - a.rem || a.i - b.i);
  const out = [...floors];
  for (let k = 0; missing > 0 && order.length > 0; k = (k + 1) % order.length, missing--) out[order[k]!.i]!++;
  for (let k = 0; missing < 0 && order.length > 0; k = (k + 1) % order.length, missing++)
    out[order[order.length - 1 - k]!.i]!--;
  return out.map((n) => n / f);
}
