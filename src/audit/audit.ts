// sagezero audit: every endpoint of a region, what it cost over the window, and what it would have
// cost under sagezero's recommended policy. Read-only: it only describes, lists and reads metrics.
import type { Cloud } from '../cloud/types.js';
import type { Objective } from '../tune/config.js';
import { DEFAULT_TUNE_CONFIG } from '../tune/config.js';
import { countSteps, instanceSeconds, priceOf, usdOf } from './cost.js';
import { busyMinutes, idleShare, lifeMinutes } from './idle.js';
import { readInventory } from './inventory.js';
import { readMinutes } from './metrics.js';
import { reconstruct, recommend } from './recommend.js';
import type { AuditReport, EndpointAudit, EndpointMinutes, InventoryEntry } from './types.js';

const MINUTE_MS = 60_000;
/**
 * Requests past which an endpoint is not replayed: a replay takes about a minute per million on one
 * core (measured: 2,016,000 real-time requests over 14 days, 108 s), and an endpoint this busy has
 * little idle time for a scale-to-zero policy to save.
 */
export const MAX_REPLAY_REQUESTS = 2_000_000;

export interface AuditOptions {
  /** Window length (ms) and how the user wrote it. */
  sinceMs: number;
  since: string;
  now: number;
  seed?: number;
  objective?: Objective;
  /** Progress for a person (stderr), never part of the result. */
  progress?: (line: string) => void;
}

export async function audit(cloud: Cloud, opts: AuditOptions): Promise<AuditReport> {
  const end = Math.floor(opts.now / MINUTE_MS) * MINUTE_MS;
  const start = end - Math.floor(opts.sinceMs / MINUTE_MS) * MINUTE_MS;
  const progress = opts.progress ?? (() => undefined);
  const objective = opts.objective ?? DEFAULT_TUNE_CONFIG.objective;

  const inventory = await readInventory(cloud, start, (done, total) =>
    progress(`describing endpoints: ${done} of ${total}`),
  );
  const { minutes, calls } = await readMinutes(
    cloud,
    inventory.map((e) => ({ name: e.name, variantName: e.variantName, kind: e.kind })),
    start,
    end,
    (done, total) => progress(`reading CloudWatch metrics: GetMetricData call ${done} of ${total}`),
  );
  const endpoints: EndpointAudit[] = [];
  for (let i = 0; i < inventory.length; i++) {
    const e = inventory[i] as InventoryEntry;
    progress(`replaying ${e.name} (${i + 1} of ${inventory.length})`);
    endpoints.push(
      await auditOne(e, minutes[i] as EndpointMinutes, end, cloud.region, objective, opts.seed ?? 1),
    );
  }
  return {
    region: cloud.region,
    window: { start: iso(start), end: iso(end), since: opts.since },
    objective,
    metricCalls: calls,
    endpoints: sortByLeftOnTable(endpoints),
  };
}

export async function auditOne(
  e: InventoryEntry,
  m: EndpointMinutes,
  end: number,
  region: string,
  objective: Objective,
  seed: number,
): Promise<EndpointAudit> {
  const notes = [...e.notes];
  const life = lifeMinutes(m, e.createdAt);
  const idle = idleShare(busyMinutes(e.kind, m), life.from, life.to);
  const traffic = reconstruct(e.kind, m, life.from, life.to);
  const price = priceOf(region, e.instanceType);
  const lifeStart = Math.max(m.start, e.createdAt);
  const counted = countSteps(e);
  if (counted.note) notes.push(counted.note);
  const seconds = instanceSeconds(counted.steps, lifeStart, end);
  const currentUsd = usdOf(seconds, price);
  if (m.datapoints === 0) notes.push('no CloudWatch datapoints in the window: every minute counts as idle');
  if (e.kind === 'realtime-components')
    notes.push(
      "requests are counted from the variant's Invocations; components publishing theirs only under " +
        'InferenceComponentName are not read, so the idle share may be too high',
    );
  if (e.kind !== 'async')
    notes.push(
      'real-time: replayed as if each request waited for capacity (an async endpoint, or a client retrying ' +
        'while inference components wake), one request per instance at a time',
    );

  let recommended: EndpointAudit['recommended'] = null;
  if (idle.minutes === 0) {
    notes.push('no whole minute of its life in the window: nothing to replay');
  } else if (traffic.requests > MAX_REPLAY_REQUESTS) {
    notes.push(
      `${traffic.requests.toLocaleString('en-US')} requests in the window, more than the ` +
        `${MAX_REPLAY_REQUESTS.toLocaleString('en-US')} the audit replays: not replayed (an endpoint this busy has ` +
        'little idle time to save)',
    );
  } else {
    const r = await recommend({
      name: e.name,
      startMs: m.start + life.from * MINUTE_MS,
      traffic,
      instanceType: e.instanceType,
      region,
      concurrency: e.concurrency,
      price,
      seed,
      objective,
    });
    recommended = r.figures;
    notes.push(...r.notes);
  }
  const leftOnTableUsd =
    currentUsd !== null && recommended?.costUsd !== null && recommended?.costUsd !== undefined
      ? currentUsd - recommended.costUsd
      : null;
  return {
    name: e.name,
    status: e.status,
    kind: e.kind,
    managedBySagezero: e.managedBySagezero,
    instanceType: e.instanceType,
    instanceCount: e.instanceCount,
    scaling: e.scaling,
    window: { start: iso(lifeStart), end: iso(end) },
    traffic: {
      ...idle,
      requests: traffic.requests,
      datapoints: m.datapoints,
      serviceSeconds: traffic.serviceSeconds ?? null,
    },
    price,
    current: { instanceHours: seconds / 3600, costUsd: currentUsd },
    recommended,
    leftOnTableUsd,
    notes,
  };
}

/**
 * Most money left on the table first. Endpoints without a price come after those with one, ordered by
 * the instance-hours they would save; then by name, so the order is stable.
 */
export function sortByLeftOnTable(rows: readonly EndpointAudit[]): EndpointAudit[] {
  const hoursSaved = (r: EndpointAudit): number =>
    r.current.instanceHours - (r.recommended?.instanceHours ?? r.current.instanceHours);
  return [...rows].sort((a, b) => {
    const ua = a.leftOnTableUsd;
    const ub = b.leftOnTableUsd;
    if (ua !== null && ub !== null && ua !== ub) return ub - ua;
    if ((ua === null) !== (ub === null)) return ua === null ? 1 : -1;
    if (ua === null) {
      const d = hoursSaved(b) - hoursSaved(a);
      if (d !== 0) return d;
    }
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
