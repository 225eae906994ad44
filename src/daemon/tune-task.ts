// A tuner controller's task for one endpoint: replay its own traffic through the simulator. mode:
// recommend records the cheapest policy that meets the objective (for /api/v1/endpoints and the logs);
// mode: apply also changes the live policy one bounded step at a time, and rolls back when the
// objective breaks.
import type { Clock } from '../clock.js';
import type { Config, EndpointConfig } from '../config/load.js';
import type { SlackNotifier } from '../alerts/slack.js';
import type { Store } from '../store/index.js';
import {
  checkLastChange,
  decideForResult,
  loadTuneState,
  observedLatency,
  saveTuneState,
  tuneEndpoint,
} from '../tune/index.js';
import { unmanagedHold } from '../tune/apply.js';
import { DEFAULT_RULES, recordApplied, recordRollback } from '../tune/guardrails.js';
import type { PolicyFigures } from '../tune/tune.js';
import type { Logger } from './logger.js';
import type { Task } from './scheduler.js';
import { notifyRollback, notifyTune, type RollbackMessage } from './tune-notify.js';
import { setTunedScaling, tunedEndpoint, tunerChange } from './tuned.js';

export interface TuneTaskDeps {
  config: Config;
  clock: Clock;
  store: Store;
  log: Logger;
  /** Runs a reconcile now (joining one in flight), so a tuner change reaches the cloud at once. */
  reconcile: Task;
  tuneNotifier?: SlackNotifier;
  dashboardUrl?: string;
}

export function tuneMetaKey(endpoint: string): string {
  return `tune.recommendation.${endpoint}`;
}

export function tuneTask(deps: TuneTaskDeps, configured: EndpointConfig): Task {
  const { config, clock, store, log, tuneNotifier } = deps;
  const tuneCfg = configured.tune;
  if (!tuneCfg) throw new Error(`endpoint ${configured.name} has no tune block`);
  const dashboard = deps.dashboardUrl ? { dashboardUrl: deps.dashboardUrl } : {};

  /**
   * Puts the tuner's change on the cloud now. A reconcile already running when the change was stored
   * is joined, not restarted, and was planned with the old policy: then one more runs. Returns when the
   * cloud runs the change (undefined: not yet, e.g. the endpoint is busy; a later reconcile applies it).
   */
  const reconcileTunerChange = async (endpoint: string, signal: AbortSignal): Promise<number | undefined> => {
    await deps.reconcile(signal);
    if ((await tunerChange(store, endpoint))?.onCloudAt === undefined) await deps.reconcile(signal);
    return (await tunerChange(store, endpoint))?.onCloudAt;
  };

  /** Rolls back the last step when its watch window broke the objective; true when it did. */
  const rollBackIfBroken = async (
    endpoint: EndpointConfig,
    now: number,
    signal: AbortSignal,
  ): Promise<boolean> => {
    let state = await loadTuneState(store, endpoint.name);
    if (state.recent.length === 0) state = recordApplied(state, endpoint.scaling, 0);
    const check = await checkLastChange(store, endpoint.name, state, tuneCfg.objective, now);
    if (check?.action !== 'rollback') return false;
    // The step being rolled back, and what the endpoint delivered since it and before it (the windows
    // checkLastChange judged), for the message.
    const last = state.recent[state.recent.length - 1]!;
    const watched = now - last.since;
    const before = await observedLatency(store, endpoint.name, last.since - watched, last.since);
    const after = await observedLatency(store, endpoint.name, last.since, now);
    state = recordRollback(state, check.to, now);
    await saveTuneState(store, endpoint.name, state, now);
    await setTunedScaling(
      store,
      endpoint.name,
      { kind: 'rollback', from: endpoint.scaling, to: check.to, reason: check.alert },
      now,
    );
    log.warn({ endpoint: endpoint.name, reason: check.alert }, 'tuner rolled back its last change');
    const onCloudAt = await reconcileTunerChange(endpoint.name, signal);
    const message: RollbackMessage = {
      endpoint: endpoint.name,
      step: last.scaling,
      restored: check.to,
      stepAt: last.since,
      rolledBackAt: now,
      objective: tuneCfg.objective,
      before,
      after,
      reason: check.alert,
      ...(onCloudAt !== undefined ? { onCloudAt } : {}),
      banMs: DEFAULT_RULES.banMs,
      ...dashboard,
    };
    if (tuneNotifier) await notifyRollback(tuneNotifier, store, message, clock.now());
    return true;
  };

  return async (signal) => {
    const now = clock.now();
    const endpoint = await tunedEndpoint(configured, store);
    // The configured preset decides, not the tuned one: a step must never make a preset: none
    // endpoint managed, and there is then no step of the tuner's to roll back.
    const unmanaged = tuneCfg.mode === 'apply' ? unmanagedHold(configured.scaling) : undefined;
    if (tuneCfg.mode === 'apply' && !unmanaged && (await rollBackIfBroken(endpoint, now, signal))) return;

    const r = await tuneEndpoint({ store, config, endpoint, clock });
    let applied: string | undefined;
    let step: { from: typeof endpoint.scaling; to: typeof endpoint.scaling; onCloudAt?: number } | undefined;
    if (unmanaged) {
      applied = `held: ${unmanaged}`;
      log.info({ endpoint: endpoint.name, reason: unmanaged }, 'tuner holds: scaling preset none');
    } else if (tuneCfg.mode === 'apply') {
      const state = await loadTuneState(store, endpoint.name);
      const base = state.recent.length === 0 ? recordApplied(state, endpoint.scaling, 0) : state;
      const decision = await decideForResult(store, r, base, now);
      if (decision.action === 'apply') {
        await saveTuneState(store, endpoint.name, recordApplied(base, decision.step.scaling, now), now);
        await setTunedScaling(
          store,
          endpoint.name,
          { kind: 'step', from: endpoint.scaling, to: decision.step.scaling, reason: decision.reason },
          now,
        );
        applied = decision.reason;
        log.info(
          { endpoint: endpoint.name, step: decision.step.cls, reason: decision.reason },
          'tuner applies a step',
        );
        const onCloudAt = await reconcileTunerChange(endpoint.name, signal);
        step = {
          from: endpoint.scaling,
          to: decision.step.scaling,
          ...(onCloudAt !== undefined ? { onCloudAt } : {}),
        };
      } else {
        await saveTuneState(store, endpoint.name, base, now);
        applied = `held: ${decision.reason}`;
      }
    }
    await store.meta.setJson(
      tuneMetaKey(endpoint.name),
      {
        at: now,
        mode: r.mode,
        changed: r.changed,
        yaml: r.yaml,
        current: figures(r.current),
        recommended: figures(r.recommended),
        ...(applied ? { applied } : {}),
      },
      now,
    );
    log.info(
      { endpoint: endpoint.name, changed: r.changed, recommended: figures(r.recommended) },
      'tuner recommendation',
    );
    // A saving is claimed only for a recommendation that meets the objective (issue 12: a policy
    // that leaves requests unserved is not cheaper, it does less).
    const improves =
      r.changed.length > 0 &&
      r.recommended.choose.meetsObjective &&
      r.recommended.choose.costUsd < r.current.choose.costUsd;
    // Every step taken is announced, including one that restores the objective at a higher cost.
    if (tuneNotifier && (improves || step)) {
      await notifyTune(
        tuneNotifier,
        store,
        {
          endpoint: endpoint.name,
          mode: r.mode,
          ...(applied ? { applied } : {}),
          ...(step ? { step: { ...step, objective: tuneCfg.objective } } : {}),
          currentCostUsd: r.current.choose.costUsd,
          recommendedCostUsd: r.recommended.choose.costUsd,
          recommendedP95Seconds: r.recommended.choose.p95TimeToResultSeconds,
          changed: r.changed,
          yaml: r.yaml,
          ...dashboard,
        },
        now,
      );
    }
  };
}

function figures(p: PolicyFigures): Record<string, unknown> {
  return { scaling: p.scaling, choose: p.choose, check: p.check };
}
