// The connection that hears every change to async_metrics (range-memo.ts): a client of its own, not a
// pooled one, since LISTEN belongs to a session. It connects on first use. A connection can die
// without a word (a partition, a NAT that forgot it), and notices sent meanwhile are lost, so before
// the memo answers it is checked with a round trip at most every `checkMs`: the server sends pending
// notices ahead of a query's answer, so a check also brings in every change committed before it. A
// failed or slow check, or a lost connection, empties the memo; the next read connects again.
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { ChangeNotices } from './range-memo.js';

export const METRICS_CHANNEL = 'sagezero_metrics';

/** After a failed connect, reads go without the memo this long before the next try. */
const RETRY_MS = 60_000;
/** A check that takes longer than this counts as a lost connection. */
const CHECK_TIMEOUT_MS = 5_000;

export interface MetricsListener {
  /**
   * Whether the memos may answer now: connected, listening, and checked within `checkMs` (or just
   * now). Never throws: a failure only means no.
   */
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

export interface MetricsListenerOptions {
  /** How stale, at most, an unchecked connection may be before a read checks it (default 1 s). */
  checkMs?: number;
}

export function metricsListener(
  config: pg.ClientConfig,
  memos: readonly ChangeNotices[],
  options: MetricsListenerOptions = {},
): MetricsListener {
  const checkMs = options.checkMs ?? 1_000;
  let client: pg.Client | undefined;
  let pending: Promise<boolean> | undefined;
  let closed = false;
  let retryAt = 0;
  let checkedAt = 0;
  const setListening = (on: boolean) => {
    for (const m of memos) m.setListening(on);
  };
  const drop = (c: pg.Client) => {
    if (client !== c) return;
    client = undefined;
    setListening(false);
    c.end().catch(() => undefined);
  };

  async function connect(): Promise<boolean> {
    const c = new pg.Client({
      ...config,
      query_timeout: CHECK_TIMEOUT_MS,
      // Told apart from the pool's connections in pg_stat_activity.
      application_name: `${config.application_name ?? 'sagezero'} metrics listener`,
    });
    c.on('notification', (n) => {
      if (n.channel !== METRICS_CHANNEL) return;
      for (const m of memos) m.notice(n.payload ?? '');
    });
    // Without a listener an error on this idle connection would crash the process.
    c.on('error', () => drop(c));
    c.on('end', () => drop(c));
    let listeningSince = 0;
    try {
      await c.connect();
      listeningSince = performance.now();
      await c.query(`LISTEN ${METRICS_CHANNEL}`);
    } catch {
      retryAt = performance.now() + RETRY_MS;
      await c.end().catch(() => undefined);
      return false;
    }
    if (closed) {
      await c.end().catch(() => undefined);
      return false;
    }
    client = c;
    checkedAt = listeningSince;
    setListening(true);
    return true;
  }

  async function check(c: pg.Client): Promise<boolean> {
    // As of when it was sent: notices committed before then have arrived once it is answered.
    const sent = performance.now();
    try {
      await c.query('SELECT 1');
      checkedAt = sent;
      return client === c;
    } catch {
      drop(c);
      return false;
    }
  }

  return {
    ready() {
      if (closed) return Promise.resolve(false);
      const c = client;
      // A monotonic clock: a wall clock stepped back would stretch the interval between checks.
      if (c && performance.now() - checkedAt < checkMs) return Promise.resolve(true);
      if (!c && performance.now() < retryAt) return Promise.resolve(false);
      pending ??= (c ? check(c) : connect()).finally(() => {
        pending = undefined;
      });
      return pending;
    },
    async close() {
      closed = true;
      await pending;
      const c = client;
      client = undefined;
      setListening(false);
      await c?.end().catch(() => undefined);
    },
  };
}
