// Two `serve` processes (separate OS processes, cloud: sim) on one PostgreSQL store: issue 17's
// failover. Every row either process writes is recorded by a trigger with the writer's
// application_name (PGAPPNAME) and the database's clock, so "writes nothing" is read from the
// database itself, not from the processes' own logs.
//
// Each process simulates its own region (cloud: sim is in-process), so the test judges doubling by
// the store both share: at any moment only one process writes, and the old leader's last write
// comes before the new leader's tenure begins.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openPgStore } from '../../src/store/pg/store.js';
import { killServes, serveRole, spawnServe, waitFor } from '../support/serve-process.js';
import { freshDatabase, skipNote, testPostgres } from '../support/pg-db.js';
import { tempDir } from '../support/temp-dir.js';

const server = testPostgres();
const LEASE_SECONDS = 3;
afterAll(killServes);

const serve = (file: string, name: string) => spawnServe(file, { PGAPPNAME: name });

/** Records every row change of every sagezero table: who (application_name), what, when (DB clock). */
async function installAudit(db: pg.Client): Promise<void> {
  await db.query(`CREATE TABLE audit (app TEXT NOT NULL, tbl TEXT NOT NULL, op TEXT NOT NULL,
    at BIGINT NOT NULL DEFAULT (extract(epoch FROM clock_timestamp()) * 1000)::bigint)`);
  await db.query(`CREATE FUNCTION audit_row() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO audit (app, tbl, op) VALUES (current_setting('application_name'), TG_TABLE_NAME, TG_OP);
      RETURN NULL;
    END $$`);
  const tables = await db.query<{ t: string }>(
    `SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('audit', 'schema_migrations')`,
  );
  for (const { t } of tables.rows) {
    await db.query(
      `CREATE TRIGGER audit_${t} AFTER INSERT OR UPDATE OR DELETE ON ${t} FOR EACH ROW EXECUTE FUNCTION audit_row()`,
    );
  }
}

/** The lease row; BIGINT arrives as text from this plain client. */
interface LeaseRow {
  holder: string;
  term: string;
  acquired_at: string;
  expires_at: string;
}
const leaseOf = (r: LeaseRow) => ({
  holder: r.holder,
  term: Number(r.term),
  acquiredAt: Number(r.acquired_at),
  expiresAt: Number(r.expires_at),
});

describe.skipIf(!server.url)(`two serve processes on one PostgreSQL${skipNote(server)}`, () => {
  it('SIGSTOP past the lease: the standby takes over, the resumed leader stands by having written nothing; kill -9: the standby acts within one lease', async () => {
    const url = await freshDatabase(server.url);
    await (await openPgStore(url)).close(); // the schema, so the audit triggers have tables to sit on
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      await installAudit(db);
      const lease = async () => {
        const r = await db.query<LeaseRow>(
          `SELECT holder, term, acquired_at, expires_at FROM leases WHERE name = 'daemon'`,
        );
        if (!r.rows[0]) throw new Error('no daemon lease row');
        return leaseOf(r.rows[0]);
      };
      const writes = async (app: string, after: number) =>
        (
          await db.query<{ tbl: string; op: string; at: string }>(
            `SELECT tbl, op, at FROM audit WHERE app = $1 AND at > $2 ORDER BY at`,
            [app, after],
          )
        ).rows.map((w) => ({ ...w, at: Number(w.at) }));
      const lastWrite = async (app: string) =>
        Number(
          (await db.query<{ m: string | null }>(`SELECT max(at) AS m FROM audit WHERE app = $1`, [app]))
            .rows[0]?.m ?? 0,
        );

      const dir = tempDir('sagezero-failover-');
      const file = path.join(dir, 'failover.yaml');
      writeFileSync(
        file,
        `region: us-east-1
cloud: sim
project: failover
store: ${url}
sim: { bootSeconds: 120, speed: 60 }
server: { port: 0 }
daemon: { leaseSeconds: ${LEASE_SECONDS} }
endpoints:
  - name: failover-llm
    model: { image: 763104351884.dkr.ecr.us-east-1.amazonaws.com/x:1 }
    executionRoleArn: arn:aws:iam::123456789012:role/SageMakerExecution
    instanceType: ml.g5.xlarge
    async: { outputPath: s3://sagezero-failover/out/ }
    probe:
      schedule: '*/5 * * * *'
      payload: { inputs: hi }
      timeoutSeconds: 1800
      bucket: s3://sagezero-failover/probes/
`,
      );

      const a = serve(file, 'replica-a');
      const urlA = await a.url;
      await waitFor(() => (a.out().includes('"msg":"acting as leader"') ? true : undefined), a.out);
      const b = serve(file, 'replica-b');
      const urlB = await b.url;
      await waitFor(() => (b.out().includes('standing by') ? true : undefined), b.out);
      // The leader is at work: it has recorded a probe (every 5 simulated minutes, 5 s here).
      await waitFor(
        async () =>
          (await writes('replica-a', 0)).some((w) => w.tbl === 'probe_results') ? true : undefined,
        a.out,
      );
      expect(await serveRole(urlA)).toBe('leader');
      expect(await serveRole(urlB)).toBe('standby');
      const first = await lease();

      // Freeze the leader past its lease.
      a.child.kill('SIGSTOP');
      await waitFor(() => (b.out().includes('"msg":"acting as leader"') ? true : undefined), b.out);
      const second = await lease();
      expect(second.term).toBe(first.term + 1);
      expect(second.holder).not.toBe(first.holder);
      const takeover = second.acquiredAt;
      // Never before the frozen leader's lease ran out, on the database clock: its last renewal (the
      // audit's time of that UPDATE, a few ms after the statement's now()) plus the lease.
      const renewals = (await writes('replica-a', 0)).filter((w) => w.tbl === 'leases');
      const lastRenewal = renewals.at(-1)?.at ?? 0;
      expect(renewals.length).toBeGreaterThan(0);
      expect(takeover).toBeGreaterThanOrEqual(lastRenewal + LEASE_SECONDS * 1000 - 50);
      // The standby wrote nothing while it stood by; the frozen leader wrote nothing after its lease.
      expect((await writes('replica-b', 0)).every((w) => w.at >= takeover)).toBe(true);
      // The new leader acts: a probe of its own.
      await waitFor(
        async () =>
          (await writes('replica-b', takeover)).some((w) => w.tbl === 'probe_results') ? true : undefined,
        b.out,
      );

      // Resume the old leader: it notices, stands by, and writes nothing more.
      a.child.kill('SIGCONT');
      await waitFor(() => (/lost the lease \(term \d+/.test(a.out()) ? true : undefined), a.out);
      expect(await serveRole(urlA)).toBe('standby');
      // Give it time to misbehave: the new leader records two more probes meanwhile.
      const bProbes = async () =>
        (await writes('replica-b', takeover)).filter((w) => w.tbl === 'probe_results' && w.op === 'INSERT')
          .length;
      const seen = await bProbes();
      await waitFor(async () => ((await bProbes()) >= seen + 2 ? true : undefined), b.out);
      expect(await writes('replica-a', takeover)).toEqual([]);
      expect(await lastWrite('replica-a')).toBeLessThanOrEqual(first.expiresAt);

      // kill -9 the leader: the old one takes over within one lease of its expiry.
      const beforeKill = await lease();
      b.child.kill('SIGKILL');
      await b.exited;
      const lastOfB = await lastWrite('replica-b');
      await waitFor(async () => ((await lease()).term === beforeKill.term + 1 ? true : undefined), a.out);
      const third = await lease();
      expect(third.holder).toBe(first.holder);
      const expiredAt = Math.max(beforeKill.expiresAt, lastOfB);
      expect(third.acquiredAt - expiredAt).toBeLessThan(LEASE_SECONDS * 1000);
      expect(await serveRole(urlA)).toBe('leader');
      // And acts: a probe of its new tenure.
      await waitFor(
        async () =>
          (await writes('replica-a', third.acquiredAt)).some((w) => w.tbl === 'probe_results')
            ? true
            : undefined,
        a.out,
      );
      a.child.kill('SIGTERM');
      await a.exited;
    } finally {
      await db.end();
    }
  }, 240_000);
});
