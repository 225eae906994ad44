// The aws_api_calls counters as both backends read them, and the minute a call is counted in.
import type { ApiCallTotal } from '../api-calls.js';

export interface ApiTotalRow {
  service: string;
  operation: string;
  ok: number;
  count: number;
}

export const apiTotalFromRow = (r: ApiTotalRow): ApiCallTotal => ({
  service: r.service,
  operation: r.operation,
  ok: r.ok === 1,
  count: r.count,
});

/** The start (epoch ms) of the minute holding `at`. */
export const minuteOf = (at: number): number => Math.floor(at / 60_000) * 60_000;
