// The reconcile controller's task: first the probes that dead processes left running, then the plan
// against the cloud (reconcile.ts). Drift it finds waits in a buffer for the alerts task.
import type { DriftEvent } from '../alerts/rules/ops.js';
import { configuredProbes } from '../probe/from-config.js';
import type { ControllerDeps } from './controllers.js';
import { recoverAbandonedProbes } from './probe-recovery.js';
import { reconcileOnce } from './reconcile.js';
import { reconcileRealtime } from './reconcile-realtime.js';
import type { Task } from './scheduler.js';
import { withTunedScaling } from './tuned.js';

export interface ReconcileTaskDeps extends ControllerDeps {
  /** This process's lease holder name: its own running probes are not abandoned. */
  holder: string;
  /** Where found drift goes (the alerts task takes it). */
  onDrift: (events: DriftEvent[]) => void;
}

export function reconcileTask(deps: ReconcileTaskDeps): Task {
  const { cloud, clock, config, store, log } = deps;
  // Probes left running by processes that are gone: interrupted and cleaned up by the leader, at
  // start-up (the first reconcile) and again each round until their objects are deleted.
  const probeTimeouts = new Map(
    configuredProbes(config).map(({ endpoint, probe }) => [endpoint.name, probe.timeoutSeconds * 1000]),
  );
  return async (signal) => {
    await recoverAbandonedProbes({
      probes: store.probes,
      cloud,
      clock,
      log,
      self: deps.holder,
      timeoutMs: (endpoint) => probeTimeouts.get(endpoint) ?? 3_600_000,
    });
    const ctx = {
      cloud,
      clock,
      config: await withTunedScaling(config, store),
      store,
      log,
      repair: config.daemon.repairDrift,
    };
    const r = await reconcileOnce(ctx, signal);
    // Each endpoint's "provisioned" is logged by reconcile.ts when its background creation ends.
    if (r.drift.length > 0) deps.onDrift(r.drift);
    // kind: realtime endpoints, with the same repair flag and drift alerts (reconcile-realtime.ts).
    if (config.realtimeEndpoints.length > 0 && !signal.aborted) {
      const rt = await reconcileRealtime(ctx, signal);
      if (rt.drift.length > 0) deps.onDrift(rt.drift);
    }
  };
}
