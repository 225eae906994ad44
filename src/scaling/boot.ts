// Does the wake policy's cooldown cover the boot? HasBacklogWithoutCapacity stays 1 while the first
// instance boots (docs/ARCHITECTURE.md, "AWS facts the code honours"), so a wake step policy whose cooldown ends before the alarm
// sees the new capacity fires again and launches a second instance. The cooldown itself is derived
// from the config alone (resolveScaling); measured cold starts only ever make plan say something.
import type { EndpointConfig } from '../config/load.js';
import {
  assumedBootP90Seconds,
  DEFAULT_BOOT_PRIOR_SECONDS,
  wakeAlarmLagSeconds,
  wakeCooldownFor,
} from '../config/scaling-schema.js';
import type { Store } from '../store/index.js';
import { MAX_HISTORY_MS } from '../tune/config.js';
import { bootSamplesFromStore, estimateBoot, type BootEstimate } from '../tune/coldstart.js';

export interface EndpointBoot extends BootEstimate {
  /** `tune.coldStartPriorSeconds` (or its default): what stands in with no measurement. */
  priorSeconds: number;
  /** Measured samples by origin (both 0 when the estimate is the prior). */
  probes: number;
  scaleOuts: number;
  /** The measured boots (s), each cold start once (bootSamplesFromStore); empty when the estimate is the prior. */
  measuredSeconds: number[];
}

export function bootPriorSeconds(endpoint: EndpointConfig): number {
  return endpoint.tune?.coldStartPriorSeconds ?? DEFAULT_BOOT_PRIOR_SECONDS;
}

/**
 * The endpoint's boot: every cold start the store has measured in the tuner's window (the
 * MAX_HISTORY_MS before `now`: cold probes' scale-out phase and scale-outs from zero, each cold start
 * once, as the tuner counts them), or the prior when there is none or no store. The window keeps the
 * read (one query per stored scale-out) from growing with the store's whole history.
 */
export async function endpointBoot(
  endpoint: EndpointConfig,
  store?: Store,
  /** The window's end; without it, the store's whole history. */
  now?: number,
): Promise<EndpointBoot> {
  const priorSeconds = bootPriorSeconds(endpoint);
  let probes: number[] = [];
  let scaleOuts: number[] = [];
  if (store) {
    try {
      ({ probes, scaleOuts } = await bootSamplesFromStore(
        store,
        endpoint.name,
        endpoint.variantName,
        now === undefined ? 0 : now - MAX_HISTORY_MS,
        now === undefined ? Number.MAX_SAFE_INTEGER : now + 1,
      ));
    } catch {
      // A store of another schema version: plan goes on with the prior.
    }
  }
  const estimate = estimateBoot([...probes, ...scaleOuts], priorSeconds);
  const measured = estimate.source === 'measured';
  return {
    ...estimate,
    priorSeconds,
    probes: measured ? probes.length : 0,
    scaleOuts: measured ? scaleOuts.length : 0,
    measuredSeconds: measured ? [...probes, ...scaleOuts] : [],
  };
}

/**
 * A plan warning when the wake policy's cooldown (scaling.scaleOutCooldownSeconds) is shorter than
 * the boot p90 plus the time the wake alarm needs to see the new capacity; undefined when it covers
 * that, or when there is no wake policy or the endpoint never sits at zero.
 */
export async function wakeCooldownWarning(
  endpoint: EndpointConfig,
  bootOf: EndpointBoot | (() => Promise<EndpointBoot>),
): Promise<string | undefined> {
  const s = endpoint.scaling;
  if (s.wake === false || s.minCapacity > 0) return undefined;
  // Read the boot (store queries, for measured cold starts) only for an endpoint the warning is about:
  // the daemon plans every endpoint at each reconcile.
  const read = typeof bootOf === 'function' ? await bootOf() : bootOf;
  const lag = wakeAlarmLagSeconds(s.wake.periodSeconds);
  const cooldown = s.scaleOutCooldownSeconds;
  // Measured boots judge only when they show the cooldown short with confidence (measuredTooShort):
  // the p90 fitted to a few draws of a spread distribution is mostly noise. Until they do, one or two
  // cold starts leave the judgement to the prior, three or more say the cooldown is not shown short.
  const longer = read.measuredSeconds.filter((b) => b > cooldown - lag).length;
  const tooShort = measuredTooShort(longer, read.measuredSeconds.length);
  if (read.source === 'measured' && !tooShort && read.samples >= MIN_MEASURED_SAMPLES) return undefined;
  const few = read.source === 'measured' && !tooShort;
  const boot: EndpointBoot = few
    ? {
        ...read,
        source: 'prior',
        medianSeconds: read.priorSeconds,
        p90Seconds: assumedBootP90Seconds(read.priorSeconds),
      }
    : tooShort
      ? // The cooldown to suggest covers the boots seen as well as the fit.
        { ...read, p90Seconds: Math.max(read.p90Seconds, nearestRank(read.measuredSeconds, 0.9)) }
      : read;
  if (!tooShort && cooldown >= boot.p90Seconds + lag) return undefined;
  const p90 = Math.round(boot.p90Seconds);
  const needed = wakeCooldownFor(boot.p90Seconds, s.wake.periodSeconds, 0);
  const priorKey = 'tune.coldStartPriorSeconds';
  const basis =
    boot.source === 'measured'
      ? `the measured boot p90 of ${p90} s (${describeSamples(boot)} in the store, ${longer} of them longer than the ${cooldown - lag} s it covers; median ${Math.round(boot.medianSeconds)} s)`
      : `the boot p90 of ${p90} s assumed from ${priorKey} (${boot.priorSeconds} s; ${
          few
            ? `${read.samples} cold start${read.samples === 1 ? '' : 's'} measured, fewer than the ${MIN_MEASURED_SAMPLES} it takes to replace the prior`
            : 'no cold start measured yet'
        })`;
  const derivedNow = wakeCooldownFor(assumedBootP90Seconds(boot.priorSeconds), s.wake.periodSeconds);
  // The prior whose assumed p90 makes the derived cooldown cover this boot.
  const prior = Math.ceil(boot.p90Seconds / (assumedBootP90Seconds(1000) / 1000));
  const unset =
    derivedNow >= boot.p90Seconds + lag
      ? `leave it unset (derived from ${priorKey}: ${boot.priorSeconds} s -> ${derivedNow} s)`
      : `leave it unset (derived from ${priorKey}: ${boot.priorSeconds} s -> ${derivedNow} s now) and set ${priorKey}: ${prior}`;
  return (
    `${endpoint.name}: scaling.scaleOutCooldownSeconds (the wake policy's cooldown) is ${cooldown} s, shorter than ` +
    `${basis} plus the ${lag} s the wake alarm needs to see the new instance. HasBacklogWithoutCapacity stays 1 ` +
    `while the first instance boots, so the wake policy fires again and launches a second instance. Set ` +
    `scaling.scaleOutCooldownSeconds: ${needed}, or ${unset}.`
  );
}

/** Measured cold starts it takes for the warning to judge by them rather than by the prior. */
export const MIN_MEASURED_SAMPLES = 3;

/**
 * Do `longer` of `n` measured boots outlasting the cooldown reject "the cooldown covers at least 90%
 * of boots" (one-sided binomial test at 5%)? The demo's first three scale-outs from zero (592, 563,
 * 567 s: the 2nd, 4th and 6th boot draws of seed 7, each the instance's exact boot) fit a p90 of about
 * 604 s against the 600 s its 720 s cooldown covers, yet none outlasted it: no evidence. Two of two,
 * two of three, four of ten do reject (P = 0.010, 0.028, 0.013).
 */
function nearestRank(xs: readonly number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? 0;
}

export function measuredTooShort(longer: number, n: number): boolean {
  if (longer === 0) return false;
  // P(X >= longer) for X ~ Binomial(n, 0.1)
  let below = 0;
  let term = 0.9 ** n; // P(X = 0)
  for (let k = 0; k < longer; k++) {
    below += term;
    term *= ((n - k) / (k + 1)) * (0.1 / 0.9);
  }
  return 1 - below < 0.05;
}

function describeSamples(boot: EndpointBoot): string {
  const parts = [
    boot.probes > 0 ? `${boot.probes} cold probe${boot.probes === 1 ? '' : 's'}` : '',
    boot.scaleOuts > 0 ? `${boot.scaleOuts} scale-out${boot.scaleOuts === 1 ? '' : 's'} from zero` : '',
  ].filter((p) => p !== '');
  return `${boot.samples} cold start${boot.samples === 1 ? '' : 's'}: ${parts.join(', ')}`;
}
