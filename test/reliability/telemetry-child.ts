// The child process of kill-telemetry.test.ts, and the simulated world both sides share.
//
// As a script (`node --import tsx telemetry-child.ts STORE SEED SCALING_JSON`; the parent resolves the
// policy, so the child need not load the config schema) it runs the real telemetry write
// path, `pollOnce` on a real store file, against a simulated region of many scale-to-zero endpoints
// with seeded traffic, polling as fast as it can while virtual time moves a minute per poll (with
// now and then a silence of up to half an hour, so the gap and backfill writes run too). It never
// stops by itself: the parent SIGKILLs it.
//
// Every write unit (a store transaction, or a write pollOnce makes outside one) is reported on
// stdout, one JSON line per event, written with a blocking write(2) so a line is in the pipe before
// the code goes on:
//   {"e":"b","u":N}                         the unit is about to begin
//   {"e":"w","u":N,"t":TABLE,"rows":[...]}  rows it wrote, as SELECT * reads them back inside the
//                                           transaction (or {"t":"async_metrics","pruneBefore":T})
//   {"e":"c","u":N}                         the unit's COMMIT returned
//   {"e":"r","u":N}                         the unit threw and was rolled back
// plus {"e":"p"/"P","i":POLL,"at":T} around each pollOnce. A unit's rows are committed only once its
// "c" line is out; a kill between "b" and "c" lands inside the write transaction.
import type Database from 'better-sqlite3';
import { writeSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Clock } from '../../src/clock.js';
import type { SimEngine } from '../../src/cloud/sim/engine.js';
import type { SimEndpoint } from '../../src/cloud/sim/entities.js';
import { createDrivenSimCloud, engineClock, type SimCloud } from '../../src/cloud/sim/sim-cloud.js';
import type { EndpointConfig } from '../../src/config/load.js';
import type { ScalingConfig } from '../../src/config/scaling-schema.js';
import { ownerTags } from '../../src/ownership.js';
import { buildScalingResources } from '../../src/scaling/build.js';
import { installScalingResources } from '../../src/scaling/install.js';
import type { Store } from '../../src/store/index.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/store.js';
import { pollOnce, type PollContext } from '../../src/telemetry/poll.js';
import { seededRandom } from '../support/fault-proxy.js';

export const MIN = 60_000;
/** Monday 2026-01-05 06:00 UTC. */
const START = Date.UTC(2026, 0, 5, 6);
export const ENDPOINTS = 16;
export const VARIANT = 'AllTraffic';
export const INSTANCE_TYPE = 'ml.g5.xlarge';
const ROLE = 'arn:aws:iam::123456789012:role/SageMakerExecution';

/** The tables pollOnce writes, with how a row (SELECT * order) is keyed. */
export const TABLES = {
  instance_transitions: { key: [0], pk: 'id' },
  async_metrics: { key: [0, 1, 2], pk: 'endpoint, metric, minute' },
  scaling_activities: { key: [0], pk: 'activity_id' },
  telemetry_gaps: { key: [0, 1], pk: 'endpoint, start_at' },
  controller_runs: { key: [0], pk: 'controller' },
  meta: { key: [0], pk: 'key' },
} as const;
export type Table = keyof typeof TABLES;
export type Row = (string | number | null)[];

export type ChildEvent =
  | { e: 'ready'; at: number; endpoints: number }
  | { e: 'p' | 'P'; i: number; at: number; errors?: string[] }
  | { e: 'b' | 'c' | 'r'; u: number }
  | { e: 'w'; u: number; t: Table; rows?: Row[]; deleted?: Row[]; pruneBefore?: number };

export interface World {
  engine: SimEngine;
  cloud: SimCloud;
  clock: Clock;
  endpoints: SimEndpoint[];
  config: PollContext['config'];
  /** Runs the region, and the seeded traffic into it, up to virtual time `t`. */
  advanceTo(t: number): void;
  /** The virtual time of the child's poll number `i` (deterministic per seed). */
  pollTime(i: number): number;
}

export function endpointName(i: number): string {
  return `kt-${String(i).padStart(2, '0')}`;
}

/**
 * A region with ENDPOINTS async endpoints under the aws-recommended scale-to-zero policy, provisioned
 * through the Cloud port the way `apply` does, and traffic drawn from the seed: bursts of requests
 * on a random few endpoints every few minutes, so endpoints keep waking and going back to zero.
 */
export async function buildWorld(seed: number, scaling: ScalingConfig): Promise<World> {
  const { engine, cloud } = createDrivenSimCloud({
    startTime: START,
    seed,
    boot: { kind: 'fixed', seconds: 240 },
  });
  const configs: EndpointConfig[] = [];
  for (let i = 0; i < ENDPOINTS; i++) {
    const name = endpointName(i);
    await cloud.createModel({
      name: `${name}-model`,
      image: 'sagezero/simulated-model:latest',
      environment: {},
      executionRoleArn: ROLE,
      tags: {},
    });
    await cloud.createEndpointConfig({
      name: `${name}-config`,
      modelName: `${name}-model`,
      variantName: VARIANT,
      instanceType: INSTANCE_TYPE,
      initialInstanceCount: 1,
      async: { outputPath: `s3://sagezero-kill/out/${name}`, maxConcurrentInvocationsPerInstance: 1 },
      tags: {},
    });
    await cloud.createEndpoint(name, `${name}-config`, {});
    configs.push({
      name,
      variantName: VARIANT,
      model: { image: 'sagezero/simulated-model:latest', environment: {} },
      executionRoleArn: ROLE,
      instanceType: INSTANCE_TYPE,
      initialInstanceCount: 1,
      async: { maxConcurrentInvocationsPerInstance: 1 },
      tags: {},
      scaling,
    } as EndpointConfig);
  }
  const endpoints = configs.map((c) => engine.endpoint(c.name));
  while (endpoints.some((ep) => ep.status !== 'InService')) {
    const next = engine.nextEventTime();
    if (!Number.isFinite(next)) throw new Error('the simulated endpoints never became InService');
    engine.runUntil(next);
  }
  for (const c of configs)
    await installScalingResources(cloud, buildScalingResources(c, ownerTags('kill', c.name)));

  // Traffic: every 1-6 minutes a burst of 1-8 requests (20-200 s of work each) on one endpoint.
  const traffic = seededRandom(Math.imul(seed, 0x85ebca6b) ^ 0x5bd1e995);
  let nextBurst = engine.now;
  const advanceTo = (t: number): void => {
    while (nextBurst <= t) {
      engine.runUntil(nextBurst);
      const ep = endpoints[Math.floor(traffic() * endpoints.length)]!;
      const n = 1 + Math.floor(traffic() * 8);
      for (let k = 0; k < n; k++) engine.submit(ep, (20 + traffic() * 180) * 1000, 6 * 3600_000, 3600_000);
      nextBurst += (1 + Math.floor(traffic() * 6)) * MIN;
    }
    engine.runUntil(t);
  };

  // Poll times: a minute apart, with a silence of 5-30 minutes about one poll in twelve.
  const first = Math.ceil(engine.now / MIN) * MIN + MIN;
  const steps = seededRandom(Math.imul(seed, 0xc2b2ae35) ^ 0x27d4eb2f);
  const times = [first];
  const pollTime = (i: number): number => {
    while (times.length <= i) {
      const gap = steps() < 1 / 12 ? (5 + Math.floor(steps() * 26)) * MIN : MIN;
      times.push(times[times.length - 1]! + gap);
    }
    return times[i]!;
  };

  return {
    engine,
    cloud,
    clock: engineClock(engine),
    endpoints,
    config: { endpoints: configs } as PollContext['config'],
    advanceTo,
    pollTime,
  };
}

/** One line on stdout with a blocking write: it is in the pipe when this returns. */
function emit(ev: ChildEvent): void {
  const buf = Buffer.from(`${JSON.stringify(ev)}\n`);
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(1, buf, off);
    } catch (e) {
      // Only if something made stdout non-blocking: wait for the parent to drain the pipe.
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
    }
  }
}

/**
 * The store pollOnce gets: the real one, with every write reported. A write made outside a
 * transaction runs in one of its own (the commit it would make anyway: one statement, or the
 * repo's own transaction), so its rows are reported before its COMMIT too. Reading the rows back
 * and reporting them happens inside the transaction and makes it a little longer than in the daemon.
 */
export function reportingStore(store: SqliteStore, out: (ev: ChildEvent) => void = emit): Store {
  const db = store.db;
  const readBack = Object.fromEntries(
    Object.entries(TABLES).map(([t, { pk }]) => [
      t,
      db
        .prepare(
          `SELECT * FROM ${t} WHERE (${pk}) = (${pk
            .split(',')
            .map(() => '?')
            .join(', ')})`,
        )
        .raw(true),
    ]),
  ) as Record<Table, Database.Statement<unknown[]>>;
  const lastId = db.prepare('SELECT last_insert_rowid()').pluck(true);
  let depth = 0;
  let unit = 0;
  let current = 0;

  const unitOf = async <T>(fn: () => Promise<T>): Promise<T> => {
    if (depth > 0) return await store.transaction(fn);
    current = ++unit;
    out({ e: 'b', u: current });
    depth++;
    try {
      const r = await store.transaction(fn);
      depth--;
      out({ e: 'c', u: current });
      return r;
    } catch (e) {
      depth--;
      out({ e: 'r', u: current });
      throw e;
    }
  };
  /** A single write: part of the enclosing transaction, or a unit of its own. */
  const write = <T>(fn: () => Promise<T>): Promise<T> => (depth > 0 ? fn() : unitOf(fn));
  const wrote = (t: Table, keys: unknown[][]): void => {
    const rows = keys.map((k) => readBack[t].get(...k) as Row | undefined).filter((r) => r !== undefined);
    out({ e: 'w', u: current, t, rows });
  };

  return {
    ...store,
    transaction: unitOf,
    instances: {
      ...store.instances,
      insert: (t) =>
        write(async () => {
          const added = await store.instances.insert(t);
          if (added) wrote('instance_transitions', [[lastId.get()]]);
          return added;
        }),
    },
    metrics: {
      ...store.metrics,
      upsert: (points) =>
        write(async () => {
          await store.metrics.upsert(points);
          wrote(
            'async_metrics',
            points.map((p) => [p.endpoint, p.metric, p.minute]),
          );
        }),
      prune: (before) =>
        write(async () => {
          const n = await store.metrics.prune(before);
          out({ e: 'w', u: current, t: 'async_metrics', pruneBefore: before });
          return n;
        }),
    },
    activities: {
      ...store.activities,
      upsert: (a) =>
        write(async () => {
          const isNew = await store.activities.upsert(a);
          wrote('scaling_activities', [[a.activityId]]);
          return isNew;
        }),
    },
    gaps: {
      ...store.gaps,
      record: (g) =>
        write(async () => {
          await store.gaps.record(g);
          wrote('telemetry_gaps', [[g.endpoint, g.start]]);
        }),
    },
    controllers: {
      ...store.controllers,
      ok: (c, at) =>
        write(async () => {
          await store.controllers.ok(c, at);
          wrote('controller_runs', [[c]]);
        }),
      error: (c, at, message) =>
        write(async () => {
          await store.controllers.error(c, at, message);
          wrote('controller_runs', [[c]]);
        }),
    },
    meta: {
      ...store.meta,
      set: (key, value, at) =>
        write(async () => {
          await store.meta.set(key, value, at);
          wrote('meta', [[key]]);
        }),
      setJson: (key, value, at) =>
        write(async () => {
          await store.meta.setJson(key, value, at);
          wrote('meta', [[key]]);
        }),
      delete: (key) =>
        write(async () => {
          await store.meta.delete(key);
          out({ e: 'w', u: current, t: 'meta', deleted: [[key]] });
        }),
    },
  };
}

async function main(file: string, seed: number, scaling: ScalingConfig): Promise<void> {
  const store = openSqliteStore(file);
  const world = await buildWorld(seed, scaling);
  const ctx: PollContext = {
    cloud: world.cloud,
    clock: world.clock,
    store: reportingStore(store),
    config: world.config,
  };
  emit({ e: 'ready', at: world.engine.now, endpoints: world.endpoints.length });
  for (let i = 0; ; i++) {
    const at = world.pollTime(i);
    world.advanceTo(at);
    emit({ e: 'p', i, at });
    const res = await pollOnce(ctx);
    emit({ e: 'P', i, at, errors: res.errors });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [file, seed, scaling] = process.argv.slice(2);
  if (!file || seed === undefined || scaling === undefined)
    throw new Error('usage: telemetry-child.ts STORE SEED SCALING_JSON');
  await main(file, Number(seed), JSON.parse(scaling) as ScalingConfig);
}
