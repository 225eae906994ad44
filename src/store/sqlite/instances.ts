// SQLite implementation of src/store/instances.ts (synchronous; src/store/sqlite/store.ts makes it async).
import type Database from 'better-sqlite3';
import type { EndpointLifeSpan, InstanceRepo, InstanceSource, StepPoint } from '../instances.js';
import {
  INSTANCE_COLUMNS,
  instanceFromRow as fromRow,
  instanceValues,
  type InstanceRow as Row,
} from '../rows/instances.js';
import type { SyncOf } from './serial.js';

export function instanceRepo(db: Database.Database): SyncOf<InstanceRepo> {
  const insert = db.prepare(
    `INSERT OR IGNORE INTO instance_transitions (${INSTANCE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const latest = db.prepare(
    `SELECT * FROM instance_transitions WHERE endpoint = ? AND variant = ? ORDER BY at DESC, id DESC LIMIT 1`,
  );
  const first = db.prepare(
    `SELECT * FROM instance_transitions WHERE endpoint = ? AND variant = ? ORDER BY at, id LIMIT 1`,
  );
  const countAt = db.prepare(
    `SELECT count FROM instance_transitions WHERE endpoint = ? AND variant = ? AND at <= ?
     ORDER BY at DESC, id DESC LIMIT 1`,
  );
  // One row holding two JSON arrays: the report reads tens of thousands of these per call, and
  // stepping rows into JS objects one by one costs several times more than parsing one string.
  const inside = db
    .prepare(
      `SELECT json_group_array(at), json_group_array(count) FROM (
         SELECT at, count FROM instance_transitions WHERE endpoint = ? AND variant = ? AND at > ? AND at < ?
         ORDER BY at, id)`,
    )
    .raw(true);
  const all = db.prepare(
    `SELECT * FROM instance_transitions WHERE endpoint = ? AND variant = ? ORDER BY at, id`,
  );
  // Deletions are rare: a partial index (schema version 6) lists them without reading the history.
  const deletions = db.prepare(
    `SELECT at, id FROM instance_transitions WHERE endpoint = ? AND variant = ? AND source = 'deleted'
     ORDER BY at, id`,
  );
  const after = db.prepare(
    `SELECT at, source FROM instance_transitions WHERE endpoint = ? AND variant = ? AND (at > ? OR (at = ? AND id > ?))
     ORDER BY at, id LIMIT 1`,
  );
  const keys = db.prepare(
    `SELECT DISTINCT endpoint, variant FROM instance_transitions ORDER BY endpoint, variant`,
  );
  const earliest = db.prepare(`SELECT MIN(at) AS at FROM instance_transitions`);

  return {
    insert(t) {
      return insert.run(...instanceValues(t)).changes > 0;
    },
    latest(endpoint, variant) {
      const r = latest.get(endpoint, variant) as Row | undefined;
      return r ? fromRow(r) : undefined;
    },
    first(endpoint, variant) {
      const r = first.get(endpoint, variant) as Row | undefined;
      return r ? fromRow(r) : undefined;
    },
    countAt(endpoint, variant, at) {
      const r = countAt.get(endpoint, variant, at) as { count: number } | undefined;
      return r?.count;
    },
    window(endpoint, variant, start, end) {
      const first = countAt.get(endpoint, variant, start) as { count: number } | undefined;
      const [ats, counts] = inside.get(endpoint, variant, start, end) as [string, string];
      const a = JSON.parse(ats) as number[];
      const c = JSON.parse(counts) as number[];
      const transitions: StepPoint[] = new Array<StepPoint>(a.length);
      for (let i = 0; i < a.length; i++) transitions[i] = { at: a[i]!, count: c[i]! };
      return { initial: first?.count, transitions };
    },
    all(endpoint, variant) {
      return (all.all(endpoint, variant) as Row[]).map(fromRow);
    },
    lives(endpoint, variant) {
      const r = first.get(endpoint, variant) as Row | undefined;
      if (!r) return [];
      const out: EndpointLifeSpan[] = [{ start: r.at, startSource: r.source }];
      for (const d of deletions.all(endpoint, variant) as { at: number; id: number }[]) {
        const open = out[out.length - 1]!;
        if (open.end === undefined) open.end = d.at;
        const next = after.get(endpoint, variant, d.at, d.at, d.id) as
          { at: number; source: InstanceSource } | undefined;
        // Another deletion right after one (re-recorded) starts nothing.
        if (next && next.source !== 'deleted') out.push({ start: next.at, startSource: next.source });
      }
      return out;
    },
    keys() {
      return keys.all() as { endpoint: string; variant: string }[];
    },
    earliest() {
      return (earliest.get() as { at: number | null }).at ?? undefined;
    },
  };
}
