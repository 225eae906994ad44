// SQLite implementation of src/store/probes.ts (synchronous; src/store/sqlite/store.ts makes it async).
import type Database from 'better-sqlite3';
import type { ColdProbe, ProbeOutcome, ProbeRepo, ProbeResult } from '../probes.js';
import type { SyncOf } from './serial.js';

interface Row {
  id: string;
  endpoint: string;
  started_at: number;
  finished_at: number | null;
  instances_at_start: number;
  cold: number;
  queued_s: number | null;
  scale_out_s: number | null;
  in_service_to_output_s: number | null;
  total_s: number | null;
  outcome: ProbeOutcome;
  inference_id: string | null;
  input_location: string | null;
  output_location: string | null;
  failure_location: string | null;
  error_message: string | null;
  holder: string | null;
  component: string | null;
  alarm_s: number | null;
  failed_invocations: number | null;
}

function fromRow(r: Row): ProbeResult {
  const p: ProbeResult = {
    id: r.id,
    endpoint: r.endpoint,
    startedAt: r.started_at,
    instancesAtStart: r.instances_at_start,
    cold: r.cold === 1,
    outcome: r.outcome,
  };
  if (r.finished_at !== null) p.finishedAt = r.finished_at;
  if (r.queued_s !== null) p.queuedS = r.queued_s;
  if (r.scale_out_s !== null) p.scaleOutS = r.scale_out_s;
  if (r.in_service_to_output_s !== null) p.inServiceToOutputS = r.in_service_to_output_s;
  if (r.total_s !== null) p.totalS = r.total_s;
  if (r.inference_id !== null) p.inferenceId = r.inference_id;
  if (r.input_location !== null) p.inputLocation = r.input_location;
  if (r.output_location !== null) p.outputLocation = r.output_location;
  if (r.failure_location !== null) p.failureLocation = r.failure_location;
  if (r.error_message !== null) p.errorMessage = r.error_message;
  if (r.holder !== null) p.holder = r.holder;
  if (r.component !== null) p.component = r.component;
  if (r.alarm_s !== null) p.alarmS = r.alarm_s;
  if (r.failed_invocations !== null) p.failedInvocations = r.failed_invocations;
  return p;
}

export function probeRepo(db: Database.Database): SyncOf<ProbeRepo> {
  const save = db.prepare(
    `INSERT OR REPLACE INTO probe_results (id, endpoint, started_at, finished_at, instances_at_start, cold, queued_s,
       scale_out_s, in_service_to_output_s, total_s, outcome, inference_id, input_location, output_location,
       failure_location, error_message, holder, component, alarm_s, failed_invocations)
     VALUES (@id, @endpoint, @startedAt, @finishedAt, @instancesAtStart, @cold, @queuedS, @scaleOutS,
       @inServiceToOutputS, @totalS, @outcome, @inferenceId, @inputLocation, @outputLocation, @failureLocation,
       @errorMessage, @holder, @component, @alarmS, @failedInvocations)`,
  );
  const get = db.prepare(`SELECT * FROM probe_results WHERE id = ?`);
  // The endpoint's index (endpoint, started_at) walked backwards: the component's latest is near the top.
  const latestOf = db.prepare(
    `SELECT * FROM probe_results WHERE endpoint = ? AND component = ? ORDER BY started_at DESC LIMIT 1`,
  );
  const latest = db.prepare(
    `SELECT * FROM probe_results WHERE endpoint = ? ORDER BY started_at DESC LIMIT 1`,
  );
  const between = db.prepare(
    `SELECT * FROM probe_results WHERE endpoint = ? AND started_at >= ? AND started_at < ? ORDER BY started_at`,
  );
  // JSON arrays in one row: far cheaper than one JS object per probe over a 90-day window.
  const coldBetween = db
    .prepare(
      `SELECT json_group_array(started_at), json_group_array(finished_at), json_group_array(outcome),
         json_group_array(total_s), json_group_array(component) FROM (
         SELECT started_at, finished_at, outcome, total_s, component FROM probe_results
         WHERE endpoint = ? AND started_at >= ? AND started_at < ? AND cold = 1 ORDER BY started_at)`,
    )
    .raw(true);
  const coldTotals = db.prepare(
    `SELECT endpoint, total_s AS totalS FROM probe_results WHERE cold = 1 AND outcome = 'success' AND total_s IS NOT NULL`,
  );
  const running = db.prepare(`SELECT * FROM probe_results WHERE outcome = 'running' ORDER BY started_at`);
  const interrupt = db.prepare(
    `UPDATE probe_results SET outcome = 'interrupted', finished_at = ?, error_message = ? WHERE outcome = 'running'`,
  );
  const interruptOf = db.prepare(
    `UPDATE probe_results SET outcome = 'interrupted', finished_at = ?, error_message = ?
     WHERE outcome = 'running' AND holder = ?`,
  );
  return {
    save(p) {
      save.run({
        id: p.id,
        endpoint: p.endpoint,
        startedAt: p.startedAt,
        finishedAt: p.finishedAt ?? null,
        instancesAtStart: p.instancesAtStart,
        cold: p.cold ? 1 : 0,
        queuedS: p.queuedS ?? null,
        scaleOutS: p.scaleOutS ?? null,
        inServiceToOutputS: p.inServiceToOutputS ?? null,
        totalS: p.totalS ?? null,
        outcome: p.outcome,
        inferenceId: p.inferenceId ?? null,
        inputLocation: p.inputLocation ?? null,
        outputLocation: p.outputLocation ?? null,
        failureLocation: p.failureLocation ?? null,
        errorMessage: p.errorMessage ?? null,
        holder: p.holder ?? null,
        component: p.component ?? null,
        alarmS: p.alarmS ?? null,
        failedInvocations: p.failedInvocations ?? null,
      });
    },
    get(id) {
      const r = get.get(id) as Row | undefined;
      return r ? fromRow(r) : undefined;
    },
    latest(endpoint, component) {
      const r = (component === undefined ? latest.get(endpoint) : latestOf.get(endpoint, component)) as
        Row | undefined;
      return r ? fromRow(r) : undefined;
    },
    between(endpoint, from, to) {
      return (between.all(endpoint, from, to) as Row[]).map(fromRow);
    },
    coldBetween(endpoint, from, to) {
      const [s, f, o, t, c] = (coldBetween.get(endpoint, from, to) as string[]).map(
        (j) => JSON.parse(j) as unknown[],
      );
      const out: ColdProbe[] = new Array<ColdProbe>(s!.length);
      for (let i = 0; i < out.length; i++) {
        out[i] = {
          startedAt: s![i] as number,
          finishedAt: (f![i] as number | null) ?? undefined,
          outcome: o![i] as ProbeOutcome,
          totalS: (t![i] as number | null) ?? undefined,
        };
        const component = c![i] as string | null;
        if (component !== null) out[i]!.component = component;
      }
      return out;
    },
    coldTotals() {
      return coldTotals.all() as { endpoint: string; totalS: number }[];
    },
    interruptRunning(at, message, holder) {
      return (holder === undefined ? interrupt.run(at, message) : interruptOf.run(at, message, holder))
        .changes;
    },
    running() {
      return (running.all() as Row[]).map(fromRow);
    },
  };
}
