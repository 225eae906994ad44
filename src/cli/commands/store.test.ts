// store migrate on a real PostgreSQL (the run's test cluster): what serve recorded in SQLite reads the
// same from PostgreSQL afterwards, and every refusal leaves both stores as they were.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, skipNote, testPostgres } from '../../../test/support/pg-db.js';
import { tempDir } from '../../../test/support/temp-dir.js';
import { openPgStore } from '../../store/pg/store.js';
import { openSqliteStore } from '../../store/sqlite/store.js';
import type { Store } from '../../store/types.js';
import { main } from '../main.js';
import type { Output } from '../output.js';

const server = testPostgres();
const dir = tempDir('sagezero-store-migrate-');
const T = Date.UTC(2026, 10, 2);

function capture(): Output & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, interactive: false, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

/** A little of each kind of history serve records. */
async function record(s: Store): Promise<void> {
  await s.instances.insert({ endpoint: 'llm', variant: 'AllTraffic', at: T, count: 1, source: 'poll' });
  await s.instances.insert({
    endpoint: 'llm',
    variant: 'AllTraffic',
    at: T + 600_000,
    count: 0,
    source: 'poll',
  });
  await s.metrics.upsert([
    { endpoint: 'llm', metric: 'ApproximateBacklogSize', minute: T, value: 3 },
    { endpoint: 'llm', metric: 'ApproximateBacklogSize', minute: T + 60_000, value: 0.5 },
  ]);
  await s.probes.save({
    id: 'p1',
    endpoint: 'llm',
    startedAt: T,
    finishedAt: T + 700_000,
    instancesAtStart: 0,
    cold: true,
    scaleOutS: 480,
    totalS: 700,
    outcome: 'model_error',
    // A model's failure text may carry NUL, which PostgreSQL text cannot: it arrives as U+FFFD.
    errorMessage: 'bad\0output',
  });
  await s.meta.set('telemetry.lastSuccessfulPollAt', String(T + 600_000), T);
}

async function readBack(s: Store) {
  return {
    window: await s.instances.window('llm', 'AllTraffic', T - 1, T + 3_600_000),
    series: await s.metrics.series('llm', 'ApproximateBacklogSize', T, T + 120_000),
    probe: await s.probes.get('p1'),
    lastPoll: await s.meta.get('telemetry.lastSuccessfulPollAt'),
  };
}

describe.skipIf(!server.url)(`sagezero store migrate${skipNote(server)}`, () => {
  let file: string;
  beforeAll(async () => {
    file = path.join(dir, 'sagezero.db');
    const s = openSqliteStore(file);
    await record(s);
    await s.close();
  });

  it('copies every table, commits once the counts match, and the PostgreSQL store reads the same history', async () => {
    const url = await freshDatabase(server.url);
    const out = capture();
    expect(await main(['store', 'migrate', '--from', file, '--to', url], out)).toBe(0);
    // 2 instance transitions + 2 metric minutes + 1 probe + 1 meta entry.
    expect(out.stdout.join('\n')).toMatch(/^copied 6 rows in \d+ tables to postgres:\/\//);
    expect(out.stderr.join('\n')).toMatch(/instance_transitions +2 of 2/);

    const sqlite = openSqliteStore(file, { readonly: true });
    const expected = await readBack(sqlite);
    await sqlite.close();
    const target = await openPgStore(url);
    try {
      const got = await readBack(target);
      expect(got).toEqual({ ...expected, probe: { ...expected.probe, errorMessage: 'bad\uFFFDoutput' } });
      // Identity columns go on after the copied ids.
      await target.instances.insert({
        endpoint: 'llm',
        variant: 'AllTraffic',
        at: T + 7_200_000,
        count: 1,
        source: 'poll',
      });
      expect((await target.instances.all('llm', 'AllTraffic')).map((t) => t.at)).toEqual([
        T,
        T + 600_000,
        T + 7_200_000,
      ]);
    } finally {
      await target.close();
    }

    // A second run finds the target not empty and changes nothing.
    const again = capture();
    expect(await main(['store', 'migrate', '--from', file, '--to', url], again)).toBe(1);
    expect(again.stderr.join('\n')).toMatch(
      /already has \d+ row\(s\) in \w+; store migrate copies into an empty store only/,
    );
  });

  it('a replica already serving the empty target forgets its metric answers when the copy commits', async () => {
    const url = await freshDatabase(server.url);
    const replica = await openPgStore(url);
    try {
      const ask = () =>
        replica.metrics.aggregate('llm', 'ApproximateBacklogSize', [{ from: T, to: T }], 'max');
      // Nothing there yet: an answer the replica keeps (src/store/pg/range-memo.ts).
      expect(await ask()).toEqual([undefined]);
      expect(await main(['store', 'migrate', '--from', file, '--to', url], capture())).toBe(0);
      // The copy's notice reaches the replica within its check interval (a second).
      await expect.poll(ask, { timeout: 10_000 }).toEqual([3]);
    } finally {
      await replica.close();
    }
  });

  it('rolls back everything when a table arrives short on the target', async () => {
    const url = await freshDatabase(server.url);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      // Stand-in for a target that loses rows: a trigger swallows every probe row.
      await (await openPgStore(url)).close();
      await c.query(
        `CREATE FUNCTION drop_row() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$`,
      );
      await c.query(
        `CREATE TRIGGER lose BEFORE INSERT ON probe_results FOR EACH ROW EXECUTE FUNCTION drop_row()`,
      );
      const out = capture();
      expect(await main(['store', 'migrate', '--from', file, '--to', url], out)).toBe(1);
      expect(out.stderr.join('\n')).toMatch(
        /probe_results: 1 row\(s\) in the source, 0 on the target; nothing was committed/,
      );
      const n = await c.query<{ n: string }>('SELECT count(*) AS n FROM instance_transitions');
      expect(n.rows[0]?.n).toBe('0');
    } finally {
      await c.end();
    }
  });

  it('refuses a source whose serve still holds the lease, and names the flag of a bad argument without its password', async () => {
    const busy = path.join(dir, 'busy.db');
    const s = openSqliteStore(busy);
    await s.leases.tryAcquire('daemon', 'host-a:42:serve', Date.now(), 3_600_000);
    await s.close();
    const url = await freshDatabase(server.url);
    const out = capture();
    expect(await main(['store', 'migrate', '--from', busy, '--to', url], out)).toBe(1);
    expect(out.stderr.join('\n')).toMatch(
      /--from: .*busy\.db is in use: serve \(host-a:42:serve\) holds its lease/,
    );

    const bad = capture();
    expect(
      await main(['store', 'migrate', '--from', file, '--to', 'postgres://u:hunter2@127.0.0.1:1/'], bad),
    ).toBe(1);
    expect(bad.stderr.join('\n')).toMatch(/--to: .*names no database/);
    expect(bad.stderr.join('\n')).not.toContain('hunter2');
    const missing = capture();
    expect(await main(['store', 'migrate', '--from', path.join(dir, 'nope.db'), '--to', url], missing)).toBe(
      1,
    );
    expect(missing.stderr.join('\n')).toMatch(/--from: no such file .*nope\.db/);
  });

  it('serve refuses a store whose schema is newer than it knows, saying so, as an operator error', async () => {
    const url = await freshDatabase(server.url);
    await (await openPgStore(url)).close();
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      await c.query(
        `INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'from the future', 0)`,
      );
    } finally {
      await c.end();
    }
    const file = path.join(dir, 'newer.yaml');
    const withPassword = url.replace('postgres://postgres@', 'postgres://postgres:hunter2@');
    writeFileSync(
      file,
      `region: us-east-1\ncloud: sim\nstore: ${withPassword}\nendpoints:\n  - name: x\n    model: { image: 763104351884.dkr.ecr.us-east-1.amazonaws.com/x:1 }\n    executionRoleArn: arn:aws:iam::123456789012:role/SageMakerExecution\n    instanceType: ml.g5.xlarge\n    async: { outputPath: s3://bucket-x/out/ }\n`,
    );
    const out = capture();
    expect(await main(['serve', '-c', file], out)).toBe(1);
    const err = out.stderr.join('\n');
    expect(err).toMatch(/schema version 999, newer than this sagezero knows \(\d+\); upgrade sagezero/);
    expect(err).not.toMatch(/looks like a bug|hunter2/);
  });
});
