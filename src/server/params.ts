// Query-parameter checks shared by the API routes: unknown or repeated parameters are 400s that name
// the parameter, like bad values are.
import type { Context } from 'hono';
import { ReportParamError } from '../cost/window.js';

export function checkParams(c: Context, allowed: readonly string[]): Record<string, string> {
  const all = c.req.queries();
  const out: Record<string, string> = {};
  for (const [key, values] of Object.entries(all)) {
    if (!allowed.includes(key)) {
      throw new ReportParamError(key, `unknown parameter; allowed: ${allowed.join(', ') || 'none'}`);
    }
    if (values.length > 1) throw new ReportParamError(key, 'given more than once');
    out[key] = values[0] ?? '';
  }
  return out;
}
