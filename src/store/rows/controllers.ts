// The controller_runs row, as both backends read it.
import type { ControllerRun } from '../controllers.js';

export interface ControllerRow {
  controller: string;
  ok_count: number;
  error_count: number;
  consecutive_errors: number;
  last_ok_at: number | null;
  last_error_at: number | null;
  last_error: string | null;
}

export function controllerFromRow(r: ControllerRow): ControllerRun {
  const c: ControllerRun = {
    controller: r.controller,
    okCount: r.ok_count,
    errorCount: r.error_count,
    consecutiveErrors: r.consecutive_errors,
  };
  if (r.last_ok_at !== null) c.lastOkAt = r.last_ok_at;
  if (r.last_error_at !== null) c.lastErrorAt = r.last_error_at;
  if (r.last_error !== null) c.lastError = r.last_error;
  return c;
}

/** The stored last error: enough to tell what failed, bounded however long the message was. */
export const lastErrorOf = (message: string): string => message.slice(0, 2000);
