// The reconcile controller: on a schedule, compare the cloud with the config (the same plan the CLI
// prints) and put back whatever drifted. Each difference found on an endpoint that already exists is
// recorded as drift, repaired or not, so a person hears about hand edits even when sagezero fixes them.
import type { Clock } from '../clock.js';
import type { Cloud } from '../cloud/types.js';
import type { Config } from '../config/load.js';
import type { DriftEvent } from '../alerts/rules/ops.js';
import { applyEndpointPlan } from '../provision/apply.js';
import type { JumpStartSpecCache } from '../provision/jumpstart/index.js';
import { buildPlan } from '../provision/plan.js';
import { modelResolver } from '../provision/resolve-model.js';
import type { Store } from '../store/index.js';
import type { Logger } from './logger.js';

export interface ReconcileContext {
  cloud: Cloud;
  clock: Clock;
  config: Config;
  store: Store;
  log: Logger;
  repair: boolean;
}

export interface ReconcileResult {
  drift: DriftEvent[];
  provisioned: string[];
  busy: string[];
}

export async function reconcileOnce(ctx: ReconcileContext, signal?: AbortSignal): Promise<ReconcileResult> {
  const { cloud, clock, config, log } = ctx;
  const plan = await buildPlan(cloud, config, modelResolver(cloud, config, storeSpecCache(ctx.store, clock)));
  const result: ReconcileResult = { drift: [], provisioned: [], busy: [] };
  for (const ep of plan.endpoints) {
    if (signal?.aborted) break;
    const now = clock.now();
    if (ep.refused) {
      log.error({ endpoint: ep.endpoint }, ep.refused);
      result.drift.push({
        endpoint: ep.endpoint,
        at: now,
        changes: ["endpoint is not sagezero's"],
        repaired: false,
        error: ep.refused,
      });
      continue;
    }
    if (ep.changes.length === 0) continue;
    if (ep.busy) {
      // Never act on an endpoint mid-change; the next round looks again.
      result.busy.push(ep.endpoint);
      continue;
    }
    const lines = ep.changes.map(
      (c) =>
        `${c.action} ${c.kind} ${c.name}${c.fields.length ? `: ${c.fields.map((f) => f.field).join(', ')}` : ''}`,
    );
    const isNew = !ep.observed.endpoint;
    if (!isNew)
      log.info({ endpoint: ep.endpoint, changes: lines }, 'drift: the cloud differs from the config');
    if (!ctx.repair && !isNew) {
      result.drift.push({
        endpoint: ep.endpoint,
        at: now,
        changes: lines,
        repaired: false,
        error: 'daemon.repairDrift is false',
      });
      continue;
    }
    try {
      await applyEndpointPlan(
        {
          cloud,
          clock,
          progress: (line) => log.info({ endpoint: ep.endpoint }, line),
          pollIntervalMs: 30_000,
          timeoutMs: 60 * 60_000,
        },
        ep,
      );
      if (isNew) result.provisioned.push(ep.endpoint);
      else result.drift.push({ endpoint: ep.endpoint, at: clock.now(), changes: lines, repaired: true });
    } catch (e) {
      const message = (e as Error).message;
      log.error({ endpoint: ep.endpoint, err: message }, 'reconcile could not apply the plan');
      result.drift.push({
        endpoint: ep.endpoint,
        at: clock.now(),
        changes: lines,
        repaired: false,
        error: message,
      });
    }
  }
  return result;
}

/** The store's JumpStart spec cache behind the resolver's async interface. */
export function storeSpecCache(store: Store, clock: Clock): JumpStartSpecCache {
  return {
    get: async (key) => store.specCache.get(key)?.json,
    put: async (key, json) => store.specCache.put({ key, json, fetchedAt: clock.now() }),
  };
}
