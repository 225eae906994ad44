// SQLite implementation of src/store/api-calls.ts (synchronous; src/store/sqlite/store.ts makes it async).
import type Database from 'better-sqlite3';
import type { ApiCallRecord, ApiCallRepo, ApiRetryTotal } from '../api-calls.js';
import { apiTotalFromRow as toTotal, minuteOf, type ApiTotalRow } from '../rows/api-calls.js';
import type { SyncOf } from './serial.js';

export function apiCallRepo(db: Database.Database): SyncOf<ApiCallRepo> {
  const total = db.prepare(
    `INSERT INTO aws_api_calls (service, operation, ok, count, last_at, last_error_code) VALUES (?, ?, ?, 1, ?, ?)
     ON CONFLICT (service, operation, ok) DO UPDATE SET count = count + 1, last_at = excluded.last_at,
       last_error_code = COALESCE(excluded.last_error_code, last_error_code)`,
  );
  const minute = db.prepare(
    `INSERT INTO aws_api_call_minutes (minute, service, operation, ok, count) VALUES (?, ?, ?, ?, 1)
     ON CONFLICT (minute, service, operation, ok) DO UPDATE SET count = count + 1`,
  );
  const retry = db.prepare(
    `INSERT INTO aws_api_retries (service, operation, error_code, count, last_at) VALUES (?, ?, ?, 1, ?)
     ON CONFLICT (service, operation, error_code) DO UPDATE SET count = count + 1, last_at = excluded.last_at`,
  );
  const record = db.transaction((call: ApiCallRecord, at: number) => {
    const ok = call.ok ? 1 : 0;
    total.run(call.service, call.operation, ok, at, call.errorCode ?? null);
    minute.run(minuteOf(at), call.service, call.operation, ok);
    for (const code of call.retriedErrors ?? []) retry.run(call.service, call.operation, code, at);
  });
  const retryTotals = db.prepare(
    `SELECT service, operation, error_code AS errorCode, count FROM aws_api_retries
     ORDER BY service, operation, error_code`,
  );
  const totals = db.prepare(
    `SELECT service, operation, ok, count FROM aws_api_calls ORDER BY service, operation, ok`,
  );
  const since = db.prepare(
    `SELECT service, operation, ok, SUM(count) AS count FROM aws_api_call_minutes WHERE minute >= ?
     GROUP BY service, operation, ok ORDER BY service, operation, ok`,
  );
  const callMinutes = db.prepare(
    `SELECT minute, MIN(ok) AS ok FROM aws_api_call_minutes WHERE minute >= ? GROUP BY minute ORDER BY minute`,
  );
  const prune = db.prepare(`DELETE FROM aws_api_call_minutes WHERE minute < ?`);
  return {
    record: (call, at) => record(call, at),
    totals: () => (totals.all() as ApiTotalRow[]).map(toTotal),
    retryTotals: () => retryTotals.all() as ApiRetryTotal[],
    since: (s) => (since.all(minuteOf(s)) as ApiTotalRow[]).map(toTotal),
    callMinutes: (s) =>
      (callMinutes.all(minuteOf(s)) as { minute: number; ok: number }[]).map((r) => ({
        minute: r.minute,
        failed: r.ok === 0,
      })),
    prune: (before) => void prune.run(before),
  };
}
