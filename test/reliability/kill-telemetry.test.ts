// kill -9 during telemetry writes, property-style over seeds. A child process (telemetry-child.ts)
// runs the real `pollOnce` into a real store file (WAL, synchronous=FULL) against a simulated region
// of 16 scale-to-zero endpoints with seeded traffic, polling back to back (several polls a second,
// each about twenty write transactions), and reports every write unit on stdout: "b" before it
// begins, the rows it wrote, "c" once its COMMIT returned. The test SIGKILLs it at a delay drawn
// from the seed. Then, for each seed:
//  - the store reopens with openStore (migrations run, none left over), PRAGMA integrity_check ok;
//  - the tables the poll writes hold exactly the committed units' rows, plus all or none of the
//    unit the kill interrupted: no committed row lost, no half-written unit;
//  - the restarted daemon's next poll (in-process, on the region rebuilt from the seed) succeeds on
//    that store: lastPollAt advances, every endpoint is observed, committed history is kept, no two
//    instance samples share a timestamp, and the cost report agrees with the store and with an
//    uninterrupted run (up to what the lost poll can move).
// Across the seeds at least one kill must have landed inside a write transaction.
// The world and the kill delay are fixed by the seed; where in the child's work the delay lands
// depends on the machine's speed, so the numbers printed differ from run to run.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countSegments, integrate } from '../../src/cost/integrate.js';
import type { Clock } from '../../src/clock.js';
import type { CostReport } from '../../src/cost/report-types.js';
import { resolveScaling } from '../../src/config/scaling-schema.js';
import { buildReport } from '../../src/cost/report.js';
import { META } from '../../src/store/index.js';
import { MIGRATIONS, migrate } from '../../src/store/migrations.js';
import { pollOnce } from '../../src/telemetry/poll.js';
import { ROOT } from '../support/cli.js';
import { seededRandom } from '../support/fault-proxy.js';
import { config, endpoint, tablePrices } from '../report/helpers.js';
import {
  buildWorld,
  INSTANCE_TYPE,
  TABLES,
  VARIANT,
  type ChildEvent,
  type Row,
  type Table,
  type World,
} from './telemetry-child.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/store.js';

const CHILD = fileURLToPath(new URL('./telemetry-child.ts', import.meta.url));
const SEEDS = Number(process.env.KILL_SEEDS ?? 8);
const FIRST_SEED = Number(process.env.KILL_FIRST_SEED ?? 1);
/** Children killed side by side (the machine has two cores). */
const CONCURRENCY = 2;
/** The kill comes this long after the child's first poll is about to start, drawn from the seed. */
const MIN_DELAY_MS = 100;
const MAX_DELAY_MS = 1200;
const HOUR = 3600_000;
/** Every endpoint's policy: AWS's recommended scale-to-zero set. */
const SCALING = resolveScaling({ preset: 'aws-recommended' });
let dir: string;

type State = Record<Table, Map<string, string>>;

interface Killed {
  seed: number;
  file: string;
  delayMs: number;
  events: ChildEvent[];
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Starts the child, waits for "ready", SIGKILLs it `delayMs` later. Only buffers output meanwhile. */
async function runAndKill(seed: number): Promise<Killed> {
  const random = seededRandom(Math.imul(seed, 0x9e3779b1));
  const delayMs = MIN_DELAY_MS + Math.floor(random() * (MAX_DELAY_MS - MIN_DELAY_MS));
  const file = path.join(dir, `seed-${seed}.db`);
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CHILD, file, String(seed), JSON.stringify(SCALING)],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const chunks: Buffer[] = [];
  let stderr = '';
  let timer: NodeJS.Timeout | undefined;
  let ready = false;
  // Should the child never get ready, it must still not outlive the test.
  const stuck = setTimeout(() => child.kill('SIGKILL'), 60_000);
  child.stdout.on('data', (d: Buffer) => {
    chunks.push(d);
    if (!ready && d.includes('"e":"ready"')) {
      ready = true;
      timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    }
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const signal = await new Promise<NodeJS.Signals | null>((resolve, reject) => {
    child.on('error', reject);
    // 'close': the pipes are drained, so every line the child wrote before dying is in `chunks`.
    child.on('close', (_code, sig) => resolve(sig));
  });
  clearTimeout(timer);
  clearTimeout(stuck);
  if (!ready) throw new Error(`seed ${seed}: the child never got ready:\n${stderr}`);
  const text = Buffer.concat(chunks).toString('utf8');
  // A line cut by the kill has no newline yet: it was never out, so it is not an event.
  const complete = text.slice(0, text.lastIndexOf('\n') + 1);
  const events = complete
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as ChildEvent);
  return { seed, file, delayMs, events, signal, stderr };
}

function emptyState(): State {
  return Object.fromEntries(Object.keys(TABLES).map((t) => [t, new Map<string, string>()])) as State;
}

function keyOf(t: Table, row: Row): string {
  return JSON.stringify(TABLES[t].key.map((i) => row[i]));
}

function apply(state: State, w: Extract<ChildEvent, { e: 'w' }>): void {
  const m = state[w.t];
  for (const row of w.rows ?? []) m.set(keyOf(w.t, row), JSON.stringify(row));
  for (const row of w.deleted ?? []) m.delete(JSON.stringify(row));
  if (w.pruneBefore !== undefined) {
    // metrics.prune deletes the points of minutes before `pruneBefore` (async_metrics column 2).
    for (const [k, v] of m) if (Number((JSON.parse(v) as Row)[2]) < w.pruneBefore) m.delete(k);
  }
}

interface Replay {
  /** What the committed units wrote. */
  committed: State;
  /** The same plus the interrupted unit's writes, when the kill fell inside one. */
  withInFlight: State;
  units: number;
  /** The unit the kill interrupted: between its "b" and its "c". */
  inFlight?: { unit: number; writes: number };
  /** Index of the last poll that was about to start, and of the last that finished. */
  lastStartedPoll: number;
  lastFinishedPoll: number;
}

function replay(events: ChildEvent[]): Replay {
  const committed = emptyState();
  let open: { unit: number; writes: Extract<ChildEvent, { e: 'w' }>[] } | undefined;
  let units = 0;
  let lastStartedPoll = -1;
  let lastFinishedPoll = -1;
  for (const ev of events) {
    switch (ev.e) {
      case 'b':
        expect(open, `unit ${ev.u} began inside unit ${open?.unit}`).toBeUndefined();
        open = { unit: ev.u, writes: [] };
        break;
      case 'w':
        expect(open?.unit).toBe(ev.u);
        open!.writes.push(ev);
        break;
      case 'c':
        expect(open?.unit).toBe(ev.u);
        for (const w of open!.writes) apply(committed, w);
        units++;
        open = undefined;
        break;
      case 'r':
        open = undefined;
        break;
      case 'p':
        lastStartedPoll = ev.i;
        break;
      case 'P':
        expect(ev.errors).toEqual([]);
        lastFinishedPoll = ev.i;
        break;
      default:
        break;
    }
  }
  const withInFlight = emptyState();
  for (const t of Object.keys(TABLES) as Table[])
    for (const [k, v] of committed[t]) withInFlight[t].set(k, v);
  for (const w of open?.writes ?? []) apply(withInFlight, w);
  return {
    committed,
    withInFlight,
    units,
    ...(open ? { inFlight: { unit: open.unit, writes: open.writes.length } } : {}),
    lastStartedPoll,
    lastFinishedPoll,
  };
}

function snapshot(store: SqliteStore): State {
  const s = emptyState();
  for (const t of Object.keys(TABLES) as Table[]) {
    for (const row of store.db.prepare(`SELECT * FROM ${t}`).raw(true).all() as Row[])
      s[t].set(keyOf(t, row), JSON.stringify(row));
  }
  return s;
}

/** Up to `max` differences between what the store holds and what it should, for messages. */
function differences(actual: State, expected: State, max = 6): string[] {
  const out: string[] = [];
  for (const t of Object.keys(TABLES) as Table[]) {
    for (const [k, v] of expected[t]) {
      const a = actual[t].get(k);
      if (a === undefined) out.push(`${t} ${k}: missing (expected ${v})`);
      else if (a !== v) out.push(`${t} ${k}: ${a}, expected ${v}`);
    }
    for (const [k, v] of actual[t]) if (!expected[t].has(k)) out.push(`${t} ${k}: unexpected ${v}`);
  }
  return out.slice(0, max);
}

function rowCount(s: State): number {
  return Object.values(s).reduce((n, m) => n + m.size, 0);
}

/**
 * Frames in the WAL after its last commit frame that belong to the current WAL generation (same
 * salts as the header): pages of a transaction that was being written when the process died.
 */
function uncommittedWalFrames(file: string): number {
  const wal = `${file}-wal`;
  if (!existsSync(wal)) return 0;
  const b = readFileSync(wal);
  if (b.length < 32) return 0;
  const pageSize = b.readUInt32BE(8);
  const salt1 = b.readUInt32BE(16);
  const salt2 = b.readUInt32BE(20);
  let sinceCommit = 0;
  for (let off = 32; off + 24 + pageSize <= b.length; off += 24 + pageSize) {
    if (b.readUInt32BE(off + 8) !== salt1 || b.readUInt32BE(off + 12) !== salt2) break;
    sinceCommit = b.readUInt32BE(off + 4) !== 0 ? 0 : sinceCommit + 1;
  }
  return sinceCommit;
}

/** The same region polled on the same schedule by a daemon nobody killed, up to poll `last`. */
async function uninterrupted(seed: number, last: number): Promise<{ store: SqliteStore; world: World }> {
  const world = await buildWorld(seed, SCALING);
  const store = openSqliteStore(':memory:');
  for (let i = 0; i <= last; i++) {
    world.advanceTo(world.pollTime(i));
    await pollOnce({ cloud: world.cloud, clock: world.clock, store, config: world.config });
  }
  return { store, world };
}

/**
 * Where the kill landed: between two write units; inside one (its "b" out, its "c" not) before any
 * of its writes changed a row; after such writes but before COMMIT (the store must hold none
 * of them); or in or just after its COMMIT (the store must hold all of them: with WAL the commit is
 * in the file once its frames are written, and synchronous=FULL spends most of a commit in fsync).
 */
type KillKind =
  'between units' | 'before it changed a row' | 'after writes, before COMMIT' | 'in or just after COMMIT';

interface Outcome {
  seed: number;
  delayMs: number;
  units: number;
  polls: number;
  kind: KillKind;
  inFlightWrites: number;
  walFrames: number;
  rowsChecked: number;
  /** Endpoints whose instance-hours equal those of the store of a daemon nobody killed. */
  sameAsUninterrupted: number;
  endpoints: number;
}

/** Everything checked after one kill: reopen, integrity, committed rows, and the next poll. */
async function verify(k: Killed): Promise<Outcome> {
  const label = `seed ${k.seed} (kill ${k.delayMs} ms after ready)`;
  expect(k.signal, `${label}: ${k.stderr}`).toBe('SIGKILL');
  const r = replay(k.events);
  expect(r.units, `${label}: the child committed nothing before the kill`).toBeGreaterThan(0);
  const walFrames = uncommittedWalFrames(k.file);

  // Reopen as the daemon would: migrations run on the killed file.
  const store = openSqliteStore(k.file);
  try {
    expect(store.db.pragma('integrity_check', { simple: true }), label).toBe('ok');
    expect(store.db.pragma('foreign_key_check'), label).toEqual([]);
    expect(migrate(store.db), `${label}: migrations left to run`).toEqual([]);
    expect(store.db.prepare('SELECT MAX(version) FROM schema_migrations').pluck().get(), label).toBe(
      Math.max(...MIGRATIONS.map((m) => m.version)),
    );

    // Exactly the committed rows, plus all or nothing of the interrupted unit.
    const before = snapshot(store);
    const vsCommitted = differences(before, r.committed);
    const vsInFlight = differences(before, r.withInFlight);
    if (vsCommitted.length > 0 && vsInFlight.length > 0) {
      expect.fail(
        r.inFlight
          ? `${label}: the store holds neither the committed units nor them plus all of unit ` +
              `${r.inFlight.unit}, the one the kill interrupted:\n  vs committed: ${vsCommitted.join('\n    ')}` +
              `\n  vs committed + unit ${r.inFlight.unit}: ${vsInFlight.join('\n    ')}`
          : `${label}: the store does not hold what the committed units wrote (no unit was open at the ` +
              `kill):\n  ${vsCommitted.join('\n  ')}`,
      );
    }
    const kind: KillKind = !r.inFlight
      ? 'between units'
      : r.inFlight.writes === 0 || differences(r.withInFlight, r.committed, 1).length === 0
        ? 'before it changed a row'
        : vsCommitted.length > 0
          ? 'in or just after COMMIT'
          : 'after writes, before COMMIT';

    // The daemon restarts: its next poll, on the same region rebuilt from the seed.
    const world = await buildWorld(k.seed, SCALING);
    const next = world.pollTime(r.lastStartedPoll + 1);
    world.advanceTo(next);
    const okBefore = (await store.controllers.get('telemetry'))?.okCount ?? 0;
    const res = await pollOnce({ cloud: world.cloud, clock: world.clock, store, config: world.config });
    expect(res.errors, label).toEqual([]);
    expect(await store.meta.getNumber(META.lastPollAt), label).toBe(next);
    expect((await store.controllers.get('telemetry'))?.okCount, label).toBe(okBefore + 1);
    for (const e of world.config.endpoints) {
      const status = await store.meta.getJson<{ observedAt: number }>(META.endpointStatus(e.name));
      expect(status?.observedAt, `${label} ${e.name} observed`).toBe(next);
    }

    // Committed history is kept: instance samples are never rewritten; activities, metrics and gaps
    // (one row per endpoint and start) only refreshed.
    const after = snapshot(store);
    for (const [key, row] of before.instance_transitions)
      expect(after.instance_transitions.get(key), `${label} instance_transitions ${key}`).toBe(row);
    for (const t of ['scaling_activities', 'async_metrics', 'telemetry_gaps'] as const) {
      for (const key of before[t].keys()) expect(after[t].has(key), `${label} ${t} ${key}`).toBe(true);
    }
    const dupes = store.db
      .prepare(
        `SELECT endpoint, variant, at, COUNT(*) AS n FROM instance_transitions GROUP BY endpoint, variant, at
         HAVING n > 1`,
      )
      .all();
    expect(dupes, `${label}: two instance samples for one timestamp`).toEqual([]);

    // The step function is whole (every sample a change), the report reads it (instance-hours are
    // the integral of what the store holds), and it says what the store of a daemon nobody killed
    // says, but for what the lost poll can move: samples of its endpoints between the poll before it
    // and the next, at most maxCapacity instances over that stretch.
    const start = Math.min(...world.endpoints.map((ep) => ep.createdAt));
    const cfg = config(
      world.config.endpoints.map((e) =>
        endpoint(e.name, { variantName: VARIANT, instanceType: INSTANCE_TYPE }),
      ),
    );
    const reportOf = (s: SqliteStore, clock: Clock): Promise<CostReport> =>
      buildReport({ store: s, config: cfg, prices: tablePrices(s, clock), clock }, { start, end: next });
    const report = await reportOf(store, world.clock);
    const reference = await uninterrupted(k.seed, r.lastStartedPoll + 1);
    const refReport = await reportOf(reference.store, reference.world.clock);
    await reference.store.close();
    const stretch = next - world.pollTime(Math.max(0, r.lastStartedPoll - 1));
    let sameAsUninterrupted = 0;
    for (const [i, ep] of world.endpoints.entries()) {
      const steps = await store.instances.all(ep.name, VARIANT);
      expect(
        steps.every((t, j) => j === 0 || t.count !== steps[j - 1]!.count),
        `${label} ${ep.name}: a sample repeats the count before it`,
      ).toBe(true);
      const w = await store.instances.window(ep.name, VARIANT, start, next);
      const integral = integrate(countSegments(w.initial ?? 0, w.transitions, start, next), []).instanceHours;
      const got = report.endpoints[i]!;
      expect(got.name).toBe(ep.name);
      expect(got.instanceHours, `${label} ${ep.name}: report vs store`).toBeCloseTo(integral, 5);
      const ref = refReport.endpoints[i]!.instanceHours;
      const slack = (world.config.endpoints[i]!.scaling.maxCapacity * stretch) / HOUR;
      expect(Math.abs(got.instanceHours - ref), `${label} ${ep.name}: vs uninterrupted`).toBeLessThanOrEqual(
        slack + 1e-6,
      );
      if (got.instanceHours === ref) sameAsUninterrupted++;
    }

    return {
      seed: k.seed,
      delayMs: k.delayMs,
      units: r.units,
      polls: r.lastFinishedPoll + 1,
      kind,
      inFlightWrites: r.inFlight?.writes ?? 0,
      walFrames,
      rowsChecked: rowCount(before),
      sameAsUninterrupted,
      endpoints: world.endpoints.length,
    };
  } finally {
    await store.close();
  }
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sagezero-kill-telemetry-'));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('kill -9 during telemetry writes', () => {
  it(`the store reopens with every committed row and the next poll carries on, for ${SEEDS} seeds`, async () => {
    // Children run and die two at a time, then their stores are checked: no child runs while the
    // test checks, so the test never stalls one by leaving its output unread. Should no kill of the
    // requested seeds land inside a write transaction, the following seeds run too, up to twice as
    // many more, until one does: to pass, the test must have exercised that case.
    const outcomes: Outcome[] = [];
    const requested = FIRST_SEED + SEEDS;
    let seed = FIRST_SEED;
    while (
      seed < requested ||
      (!outcomes.some((o) => o.kind !== 'between units') && seed < FIRST_SEED + 3 * SEEDS)
    ) {
      const end = Math.min(seed + CONCURRENCY, seed < requested ? requested : FIRST_SEED + 3 * SEEDS);
      const batch = Array.from({ length: end - seed }, (_, i) => seed + i);
      seed = end;
      const killed = await Promise.all(batch.map((s) => runAndKill(s)));
      for (const k of killed) outcomes.push(await verify(k));
    }

    for (const o of outcomes) {
      const where =
        o.kind === 'between units'
          ? o.kind
          : `inside write unit #${o.units + 1} (${o.inFlightWrites} writes reported), ${o.kind}`;
      console.log(
        `seed ${o.seed}: SIGKILL ${o.delayMs} ms after ready, after ${o.polls} polls and ${o.units} committed ` +
          `units: ${where}; ${o.walFrames} uncommitted WAL frames; ${o.rowsChecked} rows checked; next poll ` +
          `ok; instance-hours of ${o.sameAsUninterrupted}/${o.endpoints} endpoints equal to an uninterrupted run`,
      );
    }
    const count = (k: KillKind): number => outcomes.filter((o) => o.kind === k).length;
    const midWrite = outcomes.filter((o) => o.kind !== 'between units');
    console.log(
      `${midWrite.length} of ${outcomes.length} kills landed inside a write transaction ` +
        `(${count('in or just after COMMIT')} in or just after COMMIT, ${count('after writes, before COMMIT')} ` +
        `after writes before COMMIT, ${count('before it changed a row')} before it changed a row); ` +
        `${outcomes.reduce((n, o) => n + o.rowsChecked, 0)} rows checked`,
    );
    expect(midWrite.length).toBeGreaterThan(0);
  });
});
