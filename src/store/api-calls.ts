// Counts of cloud API calls, fed by the Cloud's ApiCallObserver.

export interface ApiCallRecord {
  service: string;
  operation: string;
  ok: boolean;
  errorCode?: string;
  /** Codes of the failed attempts the SDK retried before this outcome. */
  retriedErrors?: readonly string[];
}

export interface ApiRetryTotal {
  service: string;
  operation: string;
  errorCode: string;
  count: number;
}

export interface ApiCallTotal {
  service: string;
  operation: string;
  ok: boolean;
  count: number;
}

export interface ApiCallMinute {
  minute: number;
  failed: boolean;
}

export interface ApiCallRepo {
  record(call: ApiCallRecord, at: number): Promise<void>;
  totals(): Promise<ApiCallTotal[]>;
  /** Failed attempts the SDK retried, by error code, since the store was created. */
  retryTotals(): Promise<ApiRetryTotal[]>;
  /** Calls per outcome since `since` (from the per-minute breakdown). */
  since(since: number): Promise<ApiCallTotal[]>;
  /**
   * Minutes since `since` in which at least one call completed, oldest first, each saying whether one
   * of them failed. A minute without a completed call is absent: it is evidence neither way.
   */
  callMinutes(since: number): Promise<ApiCallMinute[]>;
  prune(before: number): Promise<void>;
}
