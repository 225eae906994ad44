// SQLite implementation of src/store/probes.ts (synchronous; src/store/sqlite/store.ts makes it async).
import type Database from 'better-sqlite3';
import type { ColdProbe, ProbeOutcome, ProbeRepo } from '../probes.js';
import {
  distinctOldestFirst,
  LATEST_OUTCOME_FILTERS,
  PROBE_COLUMNS,
  probeFromRow as fromRow,
  probeValues,
  type ProbeRow as Row,
} from '../rows/probes.js';
import { keepText } from '../rows/values.js';
import type { SyncOf } from './serial.js';

export function probeRepo(db: Database.Database): SyncOf<ProbeRepo> {
  const save = db.prepare(
    `INSERT OR REPLACE INTO probe_results (${PROBE_COLUMNS})
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const get = db.prepare(`SELECT * FROM probe_results WHERE id = ?`);
  // The endpoint's index (endpoint, started_at) walked backwards: the component's latest is near the top.
  const latestOf = db.prepare(
    `SELECT * FROM probe_results WHERE endpoint = ? AND component = ? ORDER BY started_at DESC LIMIT 1`,
  );
  const latest = db.prepare(
    `SELECT * FROM probe_results WHERE endpoint = ? ORDER BY started_at DESC LIMIT 1`,
  );
  // The alert rules' three lookups (see ProbeRepo.latestOutcomes), each walking the (endpoint,
  // started_at) index back from the window's end.
  const latestWhere = (filter: string) =>
    db.prepare(
      `SELECT * FROM probe_results WHERE endpoint = ? AND started_at >= ? AND started_at < ? AND ${filter}
       ORDER BY started_at DESC LIMIT 1`,
    );
  const outcomes = LATEST_OUTCOME_FILTERS.map(latestWhere);
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
      save.run(...probeValues(p, keepText));
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
    latestOutcomes(endpoint, from, to) {
      const rows = outcomes.map((q) => q.get(endpoint, from, to) as Row | undefined);
      return distinctOldestFirst(rows.filter((r): r is Row => r !== undefined).map(fromRow));
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
