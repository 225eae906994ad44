// A probe controller's task: one synthetic invocation of one endpoint, recorded in the store under
// this process's name (so a crash leaves it to be recovered, not lost), and a failure thrown so the
// controller's failure count and the alerts see it.
import path from 'node:path';
import type { ComponentConfig, EndpointConfig, RealtimeEndpointConfig } from '../config/load.js';
import type { ProbeConfig } from '../probe/config.js';
import { runProbe } from '../probe/probe.js';
import { runRealtimeProbe } from '../probe/probe-realtime.js';
import type { ControllerDeps } from './controllers.js';
import { backgroundProvisioning } from './reconcile.js';
import type { Task } from './scheduler.js';

export interface ProbeTaskDeps extends ControllerDeps {
  holder: string;
  /**
   * Whether this process's first reconcile has finished. Probing an endpoint that start-up is still
   * creating would record a failed probe, and page someone, for nothing.
   */
  ready: () => boolean;
}

export function probeTask(deps: ProbeTaskDeps, endpoint: EndpointConfig, probe: ProbeConfig): Task {
  const { cloud, clock, store, log } = deps;
  return async (signal) => {
    if (!deps.ready()) {
      log.info({ endpoint: endpoint.name }, 'probe skipped: the first reconcile has not finished');
      return;
    }
    // The reconcile creates endpoints in the background, past its own end (reconcile.ts).
    if (backgroundProvisioning(store)?.inFlight().includes(endpoint.name)) {
      log.info({ endpoint: endpoint.name }, 'probe skipped: the endpoint is being provisioned');
      return;
    }
    const run = await runProbe(
      {
        cloud,
        clock,
        sink: { save: (r) => store.probes.save({ ...r, holder: deps.holder }) },
        signal,
        configDir: path.dirname(deps.config.file),
      },
      endpoint,
      probe,
    );
    log.info(
      {
        endpoint: endpoint.name,
        outcome: run.result.outcome,
        cold: run.result.cold,
        totalS: run.result.totalS,
        phases: run.phases,
      },
      'probe finished',
    );
    if (run.result.outcome !== 'success' && run.result.outcome !== 'interrupted') {
      throw new Error(
        `probe of ${endpoint.name} ended ${run.result.outcome}${run.result.errorMessage ? `: ${run.result.errorMessage}` : ''}`,
      );
    }
  };
}

/** The same for one inference component of a realtime endpoint (src/probe/probe-realtime.ts). */
export function realtimeProbeTask(
  deps: ProbeTaskDeps,
  endpoint: RealtimeEndpointConfig,
  component: ComponentConfig,
  probe: ProbeConfig,
): Task {
  const { cloud, clock, store, log } = deps;
  const who = { endpoint: endpoint.name, component: component.name };
  return async (signal) => {
    if (!deps.ready()) {
      log.info(who, 'probe skipped: the first reconcile has not finished');
      return;
    }
    if (backgroundProvisioning(store)?.inFlight().includes(endpoint.name)) {
      log.info(who, 'probe skipped: the endpoint is being provisioned');
      return;
    }
    const run = await runRealtimeProbe(
      {
        cloud,
        clock,
        sink: { save: (r) => store.probes.save({ ...r, holder: deps.holder }) },
        signal,
        configDir: path.dirname(deps.config.file),
      },
      {
        endpointName: endpoint.name,
        variantName: endpoint.variantName,
        componentName: component.componentName,
      },
      probe,
    );
    const r = run.result;
    log.info(
      {
        ...who,
        outcome: r.outcome,
        cold: r.cold,
        totalS: r.totalS,
        failedInvocations: r.failedInvocations,
        phases: run.phases,
      },
      'probe finished',
    );
    if (r.outcome !== 'success' && r.outcome !== 'interrupted') {
      throw new Error(
        `probe of ${endpoint.name}/${component.name} ended ${r.outcome}${r.errorMessage ? `: ${r.errorMessage}` : ''}`,
      );
    }
  };
}
