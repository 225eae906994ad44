// Numbered schema migrations. A migration is never edited once released: a change to the schema is a
// new entry at the end, so every store, however old, reaches the same schema by replaying the tail.
import type Database from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      -- Instance-count step function per endpoint variant. A row says "from \`at\` on, the count was
      -- \`count\`". Rows derived from a scaling activity carry its id, which keeps backfill idempotent.
      CREATE TABLE instance_transitions (
        id INTEGER PRIMARY KEY,
        endpoint TEXT NOT NULL,
        variant TEXT NOT NULL,
        at INTEGER NOT NULL,
        count INTEGER NOT NULL CHECK (count >= 0),
        source TEXT NOT NULL CHECK (source IN ('poll', 'activity', 'sim', 'created')),
        activity_id TEXT UNIQUE
      );
      CREATE INDEX instance_transitions_by_time ON instance_transitions (endpoint, variant, at, id);

      CREATE TABLE async_metrics (
        endpoint TEXT NOT NULL,
        metric TEXT NOT NULL,
        minute INTEGER NOT NULL,
        value REAL NOT NULL,
        PRIMARY KEY (endpoint, metric, minute)
      ) WITHOUT ROWID;

      CREATE TABLE scaling_activities (
        activity_id TEXT PRIMARY KEY,
        endpoint TEXT NOT NULL,
        variant TEXT NOT NULL,
        start_time INTEGER NOT NULL,
        end_time INTEGER,
        status TEXT NOT NULL,
        description TEXT NOT NULL,
        cause TEXT NOT NULL,
        desired_count INTEGER
      );
      CREATE INDEX scaling_activities_by_time ON scaling_activities (endpoint, start_time);

      CREATE TABLE prices (
        id INTEGER PRIMARY KEY,
        region TEXT NOT NULL,
        instance_type TEXT NOT NULL,
        usd_per_hour REAL NOT NULL CHECK (usd_per_hour >= 0),
        source TEXT NOT NULL CHECK (source IN ('api', 'table', 'override')),
        detail TEXT NOT NULL DEFAULT '',
        fetched_at INTEGER NOT NULL
      );
      CREATE INDEX prices_by_type ON prices (region, instance_type, fetched_at);

      CREATE TABLE jumpstart_spec_cache (
        key TEXT PRIMARY KEY,
        json TEXT NOT NULL,
        fetched_at INTEGER NOT NULL
      );

      CREATE TABLE probe_results (
        id TEXT PRIMARY KEY,
        endpoint TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        finished_at INTEGER,
        instances_at_start INTEGER NOT NULL,
        cold INTEGER NOT NULL CHECK (cold IN (0, 1)),
        queued_s REAL,
        scale_out_s REAL,
        in_service_to_output_s REAL,
        total_s REAL,
        outcome TEXT NOT NULL
          CHECK (outcome IN ('running', 'success', 'model_error', 'timeout', 'interrupted', 'error')),
        inference_id TEXT,
        input_location TEXT,
        output_location TEXT,
        failure_location TEXT,
        error_message TEXT
      );
      CREATE INDEX probe_results_by_time ON probe_results (endpoint, started_at);

      CREATE TABLE alerts (
        key TEXT PRIMARY KEY,
        endpoint TEXT,
        rule TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('firing', 'resolved')),
        first_fired_at INTEGER NOT NULL,
        last_fired_at INTEGER NOT NULL,
        last_notified_at INTEGER,
        resolved_at INTEGER,
        summary TEXT NOT NULL DEFAULT ''
      );

      -- Running totals (for /metrics counters) and a recent per-minute breakdown (for "errors
      -- sustained over N minutes"); the breakdown is pruned, the totals never are.
      CREATE TABLE aws_api_calls (
        service TEXT NOT NULL,
        operation TEXT NOT NULL,
        ok INTEGER NOT NULL CHECK (ok IN (0, 1)),
        count INTEGER NOT NULL,
        last_at INTEGER,
        last_error_code TEXT,
        PRIMARY KEY (service, operation, ok)
      ) WITHOUT ROWID;
      CREATE TABLE aws_api_call_minutes (
        minute INTEGER NOT NULL,
        service TEXT NOT NULL,
        operation TEXT NOT NULL,
        ok INTEGER NOT NULL CHECK (ok IN (0, 1)),
        count INTEGER NOT NULL,
        PRIMARY KEY (minute, service, operation, ok)
      ) WITHOUT ROWID;

      CREATE TABLE controller_runs (
        controller TEXT PRIMARY KEY,
        ok_count INTEGER NOT NULL DEFAULT 0,
        error_count INTEGER NOT NULL DEFAULT 0,
        consecutive_errors INTEGER NOT NULL DEFAULT 0,
        last_ok_at INTEGER,
        last_error_at INTEGER,
        last_error TEXT
      );

      -- Stretches with no telemetry poll (daemon down); the report shows them so a number that rests
      -- on backfilled history is not mistaken for a measured one.
      CREATE TABLE telemetry_gaps (
        start_at INTEGER PRIMARY KEY,
        end_at INTEGER NOT NULL,
        backfilled_transitions INTEGER NOT NULL
      );

      CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'daemon lease',
    sql: `
      -- One row per lease: the serve process that holds it acts, any other waits as a standby.
      CREATE TABLE leases (
        name TEXT PRIMARY KEY,
        holder TEXT NOT NULL,
        acquired_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: 'retried AWS API errors',
    sql: `
      -- Attempts that failed and were retried by the SDK, by error code: throttling and 5xx answers
      -- a retry absorbed never reach aws_api_calls as errors, yet they are what an operator needs
      -- to see before they turn into failures.
      CREATE TABLE aws_api_retries (
        service TEXT NOT NULL,
        operation TEXT NOT NULL,
        error_code TEXT NOT NULL,
        count INTEGER NOT NULL,
        last_at INTEGER NOT NULL,
        PRIMARY KEY (service, operation, error_code)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 4,
    name: 'telemetry gaps per endpoint',
    sql: `
      -- Gaps were keyed by start alone. Each endpoint records its gap under its own last-observed
      -- time, and endpoints polled together share that time, so they overwrote one another's row: it
      -- kept the last endpoint's end and backfilled count, not the sum. Now one row per endpoint and
      -- start.
      -- Rows from before this version name no endpoint and cannot be split among endpoints: they are
      -- kept with endpoint NULL, meaning "all endpoints" (telemetry stopped for the daemon as a
      -- whole), end and count as stored (the count is one endpoint's, a lower bound). New rows
      -- always name their endpoint. NULLs are distinct in a UNIQUE constraint, which is harmless:
      -- the old rows were unique by start, and nothing writes NULL any more.
      ALTER TABLE telemetry_gaps RENAME TO telemetry_gaps_v1;
      CREATE TABLE telemetry_gaps (
        endpoint TEXT,
        start_at INTEGER NOT NULL,
        end_at INTEGER NOT NULL,
        backfilled_transitions INTEGER NOT NULL,
        UNIQUE (endpoint, start_at)
      );
      INSERT INTO telemetry_gaps (endpoint, start_at, end_at, backfilled_transitions)
        SELECT NULL, start_at, end_at, backfilled_transitions FROM telemetry_gaps_v1;
      DROP TABLE telemetry_gaps_v1;
      CREATE INDEX telemetry_gaps_by_time ON telemetry_gaps (start_at, end_at);
    `,
  },
  {
    version: 5,
    name: 'probe holder',
    sql: `
      -- Which process runs a probe ("<host>:<pid>:<tag>"): a process starting up, or a standby taking
      -- over, only interrupts and cleans up the probes of processes that are gone, never those of a
      -- live serve or CLI on the same store. Older rows have none and count as gone.
      ALTER TABLE probe_results ADD COLUMN holder TEXT;
    `,
  },
  {
    version: 6,
    name: 'endpoint deletion in the instance history',
    sql: `
      -- A poll that finds the endpoint gone (DescribeEndpoint: does not exist) records a transition
      -- to 0 with source 'deleted': the end of the endpoint's life, which the report's always-on
      -- baseline stops at. SQLite cannot change a CHECK constraint in place, so the table is rebuilt
      -- with the same rows and ids. The partial index finds an endpoint's deletions without reading
      -- its whole history.
      CREATE TABLE instance_transitions_v6 (
        id INTEGER PRIMARY KEY,
        endpoint TEXT NOT NULL,
        variant TEXT NOT NULL,
        at INTEGER NOT NULL,
        count INTEGER NOT NULL CHECK (count >= 0),
        source TEXT NOT NULL CHECK (source IN ('poll', 'activity', 'sim', 'created', 'deleted')),
        activity_id TEXT UNIQUE
      );
      INSERT INTO instance_transitions_v6 (id, endpoint, variant, at, count, source, activity_id)
        SELECT id, endpoint, variant, at, count, source, activity_id FROM instance_transitions;
      DROP TABLE instance_transitions;
      ALTER TABLE instance_transitions_v6 RENAME TO instance_transitions;
      CREATE INDEX instance_transitions_by_time ON instance_transitions (endpoint, variant, at, id);
      CREATE INDEX instance_transitions_deleted ON instance_transitions (endpoint, variant, at, id)
        WHERE source = 'deleted';
    `,
  },
  {
    version: 7,
    name: 'calibration fits',
    sql: `
      -- One row per calibration run (src/calibrate/): the fitted boot distribution and alarm delay
      -- of an endpoint, the sample counts behind them, and whether prediction agreed with
      -- observation. The newest row per endpoint is the one tune and simulate use.
      CREATE TABLE calibration_fits (
        id INTEGER PRIMARY KEY,
        endpoint TEXT NOT NULL,
        made_at INTEGER NOT NULL,
        fit_json TEXT NOT NULL,
        agrees INTEGER NOT NULL CHECK (agrees IN (0, 1))
      );
      CREATE INDEX calibration_fits_by_endpoint ON calibration_fits (endpoint, made_at, id);
    `,
  },
  {
    version: 8,
    name: 'real-time probes',
    sql: `
      -- Probes of real-time endpoints (issue 15) call one inference component: which one, when its
      -- wake alarm was seen in ALARM, and how many invocations were refused before the answer.
      -- NULL on async probes.
      ALTER TABLE probe_results ADD COLUMN component TEXT;
      ALTER TABLE probe_results ADD COLUMN alarm_s REAL;
      ALTER TABLE probe_results ADD COLUMN failed_invocations INTEGER;
    `,
  },
  {
    version: 9,
    name: 'billing',
    sql: `
      -- The bill as the billing service reported it (src/cloud/billing.ts), one row per UTC day,
      -- usage type and sagezero:endpoint tag value ('' when untagged), replaced whole per day
      -- when the day is fetched again.
      CREATE TABLE billing_rows (
        day TEXT NOT NULL,
        usage_type TEXT NOT NULL,
        tag TEXT NOT NULL,
        cost_usd REAL NOT NULL,
        usage_quantity REAL NOT NULL,
        unit TEXT NOT NULL,
        PRIMARY KEY (day, usage_type, tag)
      );
      -- Which days were fetched, when, and whether they are final (not fetched again).
      CREATE TABLE billing_days (
        day TEXT PRIMARY KEY,
        source TEXT NOT NULL,
        fetched_at INTEGER NOT NULL,
        estimated INTEGER NOT NULL CHECK (estimated IN (0, 1)),
        final INTEGER NOT NULL CHECK (final IN (0, 1))
      );
    `,
  },
  {
    version: 10,
    name: 'lease fencing term',
    sql: `
      -- The lease's term (fencing token): one more each time the lease changes holder, never reset, so
      -- a write carrying an older term is refused (leases.ts). Released leases keep their row for it.
      ALTER TABLE leases ADD COLUMN term INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 11,
    name: 'metric values in the primary key index',
    // PostgreSQL's twin keeps async_metrics.value in the key's index; this WITHOUT ROWID table already
    // stores it in the key's b-tree, so the schema is the same with nothing to do.
    sql: `SELECT 1;`,
  },
  {
    version: 12,
    name: 'change notices for async_metrics',
    // PostgreSQL's twin adds triggers that announce every change of async_metrics to the other
    // replicas' memos of range answers; SQLite keeps no such memo, so there is nothing to do.
    sql: `SELECT 1;`,
  },
];

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

/** Applies every migration newer than the store's version, each in its own transaction. */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  )`);
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
  const current = row.v ?? 0;
  const latest = migrations.reduce((m, x) => Math.max(m, x.version), 0);
  if (current > latest) {
    throw new MigrationError(
      `the store has schema version ${current}, newer than this sagezero knows (${latest}); upgrade sagezero`,
    );
  }
  const applied: number[] = [];
  const record = db.prepare(
    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, CAST(unixepoch('subsec') * 1000 AS INTEGER))",
  );
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.version, m.name);
    })();
    applied.push(m.version);
  }
  return applied;
}
