// `sagezero probe` on a realtime endpoint: which inference component to probe (the only one, or
// --component), and how its run reads. The probe itself is the daemon's (src/probe/probe-realtime.ts).
import type { ComponentConfig, Config, RealtimeEndpointConfig } from '../../config/load.js';
import type { ProbeConfig } from '../../probe/config.js';
import { formatDuration } from '../../probe/invoke.js';
import { configuredComponentProbes } from '../../probe/from-config.js';
import type { RealtimeProbeRun } from '../../probe/probe-realtime.js';
import { UserError } from '../errors.js';
import { pickComponent } from './invoke-realtime.js';

export interface RealtimeTarget {
  endpoint: RealtimeEndpointConfig;
  component: ComponentConfig;
  probe: ProbeConfig;
}

/** The component of `endpoint` named by --component (or its only one), which must have a probe block. */
export function realtimeProbeTarget(
  endpoint: RealtimeEndpointConfig,
  componentName: string | undefined,
  file: string,
): RealtimeTarget {
  const component = pickComponent(endpoint, componentName, file);
  if (!component.probe) {
    throw new UserError(
      `component ${component.name} of endpoint ${endpoint.name} has no probe: block in ${file}; ` +
        'add components[].probe with at least a payload (see the README)',
    );
  }
  return { endpoint, component, probe: component.probe };
}

/** Every realtime component with a probe block, for a run without --endpoint. */
export function allRealtimeTargets(config: Pick<Config, 'realtimeEndpoints'>): RealtimeTarget[] {
  return configuredComponentProbes(config);
}

export function describeRealtimeProbe(
  run: RealtimeProbeRun,
  probe: Pick<ProbeConfig, 'coldStartSloSeconds'>,
  target: RealtimeTarget,
): string {
  const r = run.result;
  const total = r.totalS !== undefined ? formatDuration(r.totalS * 1000) : '?';
  const warmth =
    r.instancesAtStart < 0
      ? ''
      : r.cold
        ? `cold (no copy, ${r.instancesAtStart} instance(s) at start)`
        : 'warm (a copy was serving)';
  const name = `${target.endpoint.name}/${target.component.name}`;
  const lines = [`${name}: ${r.outcome} after ${total}${warmth ? `, ${warmth}` : ''}`];
  const p = run.phases;
  if (p) {
    const alarm = p.alarmMs !== undefined ? `alarm ${formatDuration(p.alarmMs)} -> ` : '';
    lines.push(
      `  ${alarm}copy scheduled ${formatDuration(p.queuedMs)} -> scale-out ${formatDuration(p.scaleOutMs)} -> ` +
        `in service to output ${formatDuration(p.inServiceToOutputMs)}`,
    );
  }
  if (r.failedInvocations !== undefined) {
    lines.push(`  ${r.failedInvocations} refused invocation${r.failedInvocations === 1 ? '' : 's'}`);
  }
  if (run.overSlo !== undefined && probe.coldStartSloSeconds !== undefined) {
    lines.push(
      `  cold-start SLO ${formatDuration(probe.coldStartSloSeconds * 1000)}: ${run.overSlo ? 'MISSED' : 'met'}`,
    );
  }
  if (r.errorMessage) lines.push(`  ${r.errorMessage.split('\n')[0]}`);
  return lines.join('\n');
}
