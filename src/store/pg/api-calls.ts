// PostgreSQL implementation of src/store/api-calls.ts; the same counts as sqlite/api-calls.ts.
import type { ApiCallRepo, ApiRetryTotal } from '../api-calls.js';
import { apiTotalFromRow as toTotal, minuteOf, type ApiTotalRow as TotalRow } from '../rows/api-calls.js';
import { ceilBound } from './bounds.js';
import type { PgDb } from './db.js';

// Every AWS call lands here, so a call is one round trip: the counters SQLite bumps in one
// transaction are one statement (data-modifying CTEs), atomic on its own.
const TOTAL_AND_MINUTE = `WITH total AS (
    INSERT INTO aws_api_calls (service, operation, ok, count, last_at, last_error_code)
    VALUES ($1::text, $2::text, $3::bigint, 1, $4::bigint, $5::text)
    ON CONFLICT (service, operation, ok) DO UPDATE SET count = aws_api_calls.count + 1,
      last_at = excluded.last_at,
      last_error_code = COALESCE(excluded.last_error_code, aws_api_calls.last_error_code)
  )`;
const MINUTE = `INSERT INTO aws_api_call_minutes (minute, service, operation, ok, count) VALUES ($6::bigint, $1, $2, $3, 1)
  ON CONFLICT (minute, service, operation, ok) DO UPDATE SET count = aws_api_call_minutes.count + 1`;
const RECORD = `${TOTAL_AND_MINUTE} ${MINUTE}`;
// With retried attempts (the rare case: planning the retry part doubles a call's cost). The codes
// come as one array; a code repeated in it counts once per attempt, as SQLite's upsert per code did
// (one INSERT may not touch a row twice, hence the GROUP BY). Codes in a fixed order, so two replicas
// bumping the same codes lock their rows in the same order.
const RECORD_WITH_RETRIES = `${TOTAL_AND_MINUTE}, per_minute AS (${MINUTE})
  INSERT INTO aws_api_retries (service, operation, error_code, count, last_at)
  SELECT $1, $2, code, COUNT(*), $4 FROM unnest($7::text[]) AS code GROUP BY code ORDER BY code
  ON CONFLICT (service, operation, error_code) DO UPDATE SET count = aws_api_retries.count + excluded.count,
    last_at = excluded.last_at`;

export function apiCallRepo(db: PgDb): ApiCallRepo {
  return {
    async record(call, at) {
      const params = [
        call.service,
        call.operation,
        call.ok ? 1 : 0,
        at,
        call.errorCode ?? null,
        minuteOf(at),
      ];
      const retried = call.retriedErrors ?? [];
      await (retried.length === 0
        ? db.query(RECORD, params)
        : db.query(RECORD_WITH_RETRIES, [...params, retried]));
    },
    async totals() {
      const { rows } = await db.query<TotalRow>(
        `SELECT service, operation, ok, count FROM aws_api_calls
         ORDER BY service COLLATE "C", operation COLLATE "C", ok`,
      );
      return rows.map(toTotal);
    },
    async retryTotals() {
      const { rows } = await db.query<ApiRetryTotal>(
        `SELECT service, operation, error_code AS "errorCode", count FROM aws_api_retries
         ORDER BY service COLLATE "C", operation COLLATE "C", error_code COLLATE "C"`,
      );
      return rows;
    },
    async since(since) {
      // SUM of BIGINT is NUMERIC, which the driver returns as a string.
      const { rows } = await db.query<TotalRow>(
        `SELECT service, operation, ok, SUM(count)::bigint AS count FROM aws_api_call_minutes WHERE minute >= $1
         GROUP BY service, operation, ok ORDER BY service COLLATE "C", operation COLLATE "C", ok`,
        [ceilBound(minuteOf(since))],
      );
      return rows.map(toTotal);
    },
    async callMinutes(since) {
      const { rows } = await db.query<{ minute: number; ok: number }>(
        `SELECT minute, MIN(ok) AS ok FROM aws_api_call_minutes WHERE minute >= $1 GROUP BY minute ORDER BY minute`,
        [ceilBound(minuteOf(since))],
      );
      return rows.map((r) => ({ minute: r.minute, failed: r.ok === 0 }));
    },
    async prune(before) {
      await db.query(`DELETE FROM aws_api_call_minutes WHERE minute < $1`, [ceilBound(before)]);
    },
  };
}
