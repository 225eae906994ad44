// How far V8 lets the daemon's heap grow past its live objects before collecting (issue 13).
//
// V8 schedules the next full GC at the live old generation times a growing factor it picks itself,
// up to 4 on a machine with gigabytes of memory; the committed pages stay after the GC frees their
// objects. The daemon's live heap is small and steady (about 25 MB with 100 endpoints) but it
// promotes short-lived telemetry and report objects all day, so with V8's own factor `serve` on
// cloud: sim with 100 endpoints went from 154 MB RSS to 209 MB by its second simulated day, while
// the live heap stayed at 24-27 MB (bench/sim-memory.ts, bench/RESULTS.md). A fixed factor of 1.5
// (--heap-growing-percent=50) held it near 165 MB: the same garbage, collected sooner.
//
// Why a factor and not a heap cap (--max-old-space-size): a cap small enough to hold 100 endpoints
// under 200 MB would crash a fleet of a few thousand with an out-of-memory error; a factor only
// trades some GC time for memory at any size. V8 reads this flag when it sizes each GC, so setting
// it at start-up (v8.setFlagsFromString) works as the command-line flag does (both measured).
import { setFlagsFromString } from 'node:v8';

export const HEAP_GROWING_PERCENT = 50;

/** Flags with which the operator has already chosen how the heap grows: theirs win. */
const OPERATOR_HEAP_FLAGS = ['--heap-growing-percent', '--max-old-space-size', '--max-heap-size'];

/** Whether `serve` should set its growing factor, given node's own flags and NODE_OPTIONS. */
export function shouldLimitHeapGrowth(execArgv: readonly string[], nodeOptions: string | undefined): boolean {
  // node accepts --max_old_space_size as well as --max-old-space-size.
  const given = [...execArgv, ...(nodeOptions ?? '').split(/\s+/)].map((f) => f.replace(/_/g, '-'));
  return !given.some((flag) =>
    OPERATOR_HEAP_FLAGS.some((name) => flag === name || flag.startsWith(`${name}=`)),
  );
}

/** Sets the daemon's growing factor unless the operator set a heap flag; returns whether it did. */
export function limitHeapGrowth(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string | undefined = process.env.NODE_OPTIONS,
): boolean {
  if (!shouldLimitHeapGrowth(execArgv, nodeOptions)) return false;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return true;
}
