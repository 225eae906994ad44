// Runs every rule over one snapshot of what sagezero knows, and says which (rule, endpoint) pairs it
// looked at: an alert can only resolve when its rule was evaluated with data (a missing spend figure
// must not read as "back under budget").
import type { EndpointState } from '../cloud/types.js';
import type { ApiCallMinute, ApiCallTotal } from '../store/api-calls.js';
import type { ControllerRun } from '../store/controllers.js';
import type { ProbeResult } from '../store/probes.js';
import type { AlertsConfig } from './config.js';
import { inhibitWhileAwsFailing, type VictimTimes } from './inhibit.js';
import { backlogWithoutCapacity, type ActivityLike } from './rules/backlog.js';
import { budgetAlerts, type SpendSnapshot } from './rules/budget.js';
import { billingDifferenceAlerts, type BillingAlertInput } from './rules/billing.js';
import { endpointHealth } from './rules/endpoint.js';
import { apiErrors, controllerFailing, driftAlerts, type DriftEvent } from './rules/ops.js';
import { coldStartOverSlo, probeFailed } from './rules/probes.js';
import { scopeOf, type AlertCondition, type EvaluationScope, type RuleName } from './types.js';

export interface EndpointAlertInput {
  name: string;
  /** From DescribeEndpoint: 'missing' when it does not exist, undefined when not looked at. */
  state?: EndpointState | 'missing';
  /** Recent probes, any order. */
  probes?: readonly ProbeResult[];
  coldStartSloSeconds?: number;
  /** HasBacklogWithoutCapacity per minute. */
  backlog?: readonly { minute: number; value: number }[];
  /** The endpoint's wake policy (scaling.wake); required with `backlog`. */
  wake?: { periodSeconds: number; evaluationPeriods: number } | false;
  activities?: readonly ActivityLike[];
}

export interface AlertInputs {
  now: number;
  endpoints: readonly EndpointAlertInput[];
  spend?: SpendSnapshot;
  /** Drift found recently (the caller decides how far back). */
  drift?: readonly DriftEvent[];
  apiErrors?: {
    /** Minutes with completed AWS API calls, each saying whether one failed. */
    minutes: readonly ApiCallMinute[];
    failing?: readonly ApiCallTotal[];
    /** The AWS alert's latest episode (src/alerts/inhibit.ts). */
    lastEpisode?: { firstFiredAt: number; resolvedAt?: number };
  };
  controllers?: readonly ControllerRun[];
  /** The bill against the estimate (pricing.billing), from the billing controller. */
  billing?: BillingAlertInput;
}

export interface Evaluation {
  conditions: AlertCondition[];
  scope: EvaluationScope;
}

export function evaluateRules(inputs: AlertInputs, config: AlertsConfig): Evaluation {
  const conditions: AlertCondition[] = [];
  const scope: [RuleName, string | undefined][] = [];
  const { now } = inputs;

  for (const e of inputs.endpoints) {
    if (e.probes) {
      scope.push(['cold-start-slo', e.name], ['probe-failed', e.name]);
      const slo = coldStartOverSlo(e.name, e.probes, e.coldStartSloSeconds);
      if (slo) conditions.push(slo);
      const failed = probeFailed(e.name, e.probes);
      if (failed) conditions.push(failed);
    }
    if (e.state !== undefined) {
      scope.push(['endpoint-failed', e.name], ['endpoint-stuck', e.name]);
      if (e.state !== 'missing')
        conditions.push(...endpointHealth(e.name, e.state, now, config.endpointStuckMinutes));
    }
    if (e.backlog && e.wake !== undefined) {
      scope.push(['backlog-without-capacity', e.name]);
      const boot = e.coldStartSloSeconds ?? config.bootAllowanceMinutes * 60;
      const c = backlogWithoutCapacity({
        endpoint: e.name,
        series: e.backlog,
        wake: e.wake,
        bootSeconds: boot,
        graceMinutes: config.backlogGraceMinutes,
        now,
        ...(e.activities ? { activities: e.activities } : {}),
      });
      if (c) conditions.push(c);
    }
  }
  if (inputs.spend && config.budgets) {
    scope.push(['budget-month-to-date', undefined], ['budget-forecast', undefined]);
    conditions.push(...budgetAlerts(config.budgets, inputs.spend, now));
  }
  if (inputs.drift) {
    const names = new Set([...inputs.endpoints.map((e) => e.name), ...inputs.drift.map((d) => d.endpoint)]);
    for (const n of names) scope.push(['drift-repaired', n], ['drift-unrepaired', n]);
    conditions.push(...driftAlerts(inputs.drift));
  }
  if (inputs.apiErrors) {
    scope.push(['aws-api-errors', undefined]);
    const c = apiErrors({ ...inputs.apiErrors, now, sustainMinutes: config.apiErrorMinutes });
    if (c) conditions.push(c);
  }
  if (inputs.controllers) {
    scope.push(['controller-failing', undefined]);
    conditions.push(...controllerFailing(inputs.controllers, config.controllerFailures, now));
  }
  if (inputs.billing) {
    for (const n of inputs.billing.endpoints) scope.push(['billing-difference', n]);
    conditions.push(...billingDifferenceAlerts(inputs.billing));
  }
  const disabled = new Set<string>(config.disabledRules);
  const enabled = conditions.filter((c) => !disabled.has(c.rule));
  // Only while the AWS alert can speak for the victims: with it disabled, each victim alerts itself.
  if (disabled.has('aws-api-errors') || !inputs.apiErrors)
    return { conditions: enabled, scope: scopeOf(scope) };
  const lastEpisode = inputs.apiErrors.lastEpisode;
  return inhibitWhileAwsFailing(enabled, scopeOf(scope), {
    now,
    minutes: inputs.apiErrors.minutes,
    windowMs: config.apiErrorMinutes * 60_000,
    ...(lastEpisode ? { lastEpisode } : {}),
    timesOf: (c) => victimTimes(c, inputs),
  });
}

/** When a held-back candidate failed: the probe's end, or the controller's last error and streak start. */
function victimTimes(c: AlertCondition, inputs: AlertInputs): VictimTimes | undefined {
  if (c.rule === 'probe-failed') {
    const probes = inputs.endpoints.find((e) => e.name === c.endpoint)?.probes ?? [];
    let last: ProbeResult | undefined;
    for (const p of probes) if (p.outcome === 'error' && (!last || p.startedAt > last.startedAt)) last = p;
    if (!last) return undefined;
    const at = last.finishedAt ?? last.startedAt;
    return { failedAt: at, failingSince: at };
  }
  if (c.rule === 'controller-failing') {
    const run = inputs.controllers?.find((r) => `controller:${r.controller}` === c.key);
    if (run?.lastErrorAt === undefined) return undefined;
    return { failedAt: run.lastErrorAt, failingSince: run.lastOkAt ?? Number.NEGATIVE_INFINITY };
  }
  return undefined;
}
