// The printed result of tuning one inference component: current vs recommended policy, and the
// component's `scaling:` block to paste (preset custom with every searched value explicit, so the
// block means the same whatever the preset's defaults become).
import { stringify } from 'yaml';
import {
  resolveRealtimeScaling,
  type RealtimeScalingConfig,
  type RealtimeScalingInput,
} from '../config/realtime-schema.js';
import { formatSeconds } from '../simulate/format.js';
import type { RealtimeComponentTuneResult, RealtimeOutcome } from './realtime.js';

/** The block as a user writes it; wake only when it differs from what the boot prior gives. */
export function realtimeScalingInput(
  s: RealtimeScalingConfig,
  bootPriorSeconds: number,
): RealtimeScalingInput {
  const out: RealtimeScalingInput = {
    preset: 'custom',
    minCopies: s.minCopies,
    maxCopies: s.maxCopies,
    targetConcurrentRequestsPerCopy: s.targetConcurrentRequestsPerCopy,
    scaleOutCooldownSeconds: s.scaleOutCooldownSeconds,
    scaleInCooldownSeconds: s.scaleInCooldownSeconds,
  };
  const dflt = resolveRealtimeScaling(
    { preset: 'custom' },
    { maxInstances: s.maxCopies, copiesPerInstance: 1, bootPriorSeconds },
  ).wake;
  if (s.wake === false) out.wake = false;
  else if (
    dflt === false ||
    dflt.cooldownSeconds !== s.wake.cooldownSeconds ||
    dflt.periodSeconds !== s.wake.periodSeconds
  )
    out.wake = { periodSeconds: s.wake.periodSeconds, cooldownSeconds: s.wake.cooldownSeconds };
  return out;
}

function usd(x: number): string {
  return `$${x.toFixed(2)}`;
}

function describe(o: RealtimeOutcome): string {
  return (
    `target ${o.targetConcurrentRequestsPerCopy} concurrent requests/copy, scale-in cooldown ${formatSeconds(o.scaleInCooldownSeconds)}: ` +
    `${o.instanceHours.toFixed(2)} instance-h, ${usd(o.costUsd)}, p95 wait ${formatSeconds(o.p95WaitSeconds)}, ` +
    `${o.failedAttempts} failed attempts, ${o.abandoned} abandoned${o.meetsObjective ? '' : ' (misses the objective)'}`
  );
}

export function formatRealtimeTuneResult(r: RealtimeComponentTuneResult, bootPriorSeconds: number): string[] {
  const lines = [
    `${r.endpoint} / ${r.component} (real-time component): ${r.requests} requests, ${r.candidates.length} policies replayed`,
    `objective: p95 client wait (first attempt to success) <= ${formatSeconds(r.objective.p95TimeToResultSeconds)}, at most ${r.objective.maxExpired} abandoned (tune.objective)`,
    `  current:     ${describe(r.current)}`,
    `  recommended: ${describe(r.recommended)}`,
  ];
  if (!r.changed) {
    lines.push(
      r.candidates.some((c) => c.meetsObjective)
        ? '  keep the current policy: no candidate meeting the objective is cheaper.'
        : '  keep the current policy: no candidate meets the objective on this trace.',
    );
    return lines;
  }
  const saved = r.current.costUsd - r.recommended.costUsd;
  lines.push(
    `  saves ${usd(saved)} over the trace. Put this under components[name: ${r.component}] in the config:`,
    '',
    ...stringify({ scaling: realtimeScalingInput(r.scaling, bootPriorSeconds) })
      .trimEnd()
      .split('\n')
      .map((l) => `    ${l}`),
    '',
    '  (tune.mode: apply is not supported for real-time components yet: apply the block with `sagezero apply`.)',
  );
  return lines;
}
