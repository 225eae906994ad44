// serve on cloud: sim with `sim.history`: a fresh store first simulates the days before the live start,
// as fast as the machine allows, with the real controllers and the trace replayed every simulated day;
// then the runtime goes live. A store that has history resumes without catching up again.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, parseConfig, type Config } from '../../src/config/load.js';
import { parseSimHistory } from '../../src/config/schema.js';
import { PriceResolver } from '../../src/cost/prices.js';
import { buildReport } from '../../src/cost/report.js';
import type { RunningDaemon } from '../../src/daemon/daemon.js';
import { startSimDaemon } from '../../src/daemon/sim-daemon.js';
import { createLogger } from '../../src/daemon/logger.js';
import { createSimRuntime, type CatchUpEvent, type SimRuntime } from '../../src/daemon/sim-runtime.js';
import { Redactor } from '../../src/secrets.js';
import { storeApiCallObserver } from '../../src/store/index.js';
import { ROOT } from '../support/cli.js';
import { tempDir } from '../support/temp-dir.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/store.js';

const DAY = 86_400_000;
const EP = 'hist-llm';
// The wall clock at start-up: the live start is 07:45 that day (15 minutes before the trace's 08:00
// window), and two days of history start at 07:45 two days earlier.
const WALL_NOW = Date.UTC(2026, 2, 10, 12, 0, 0);
const LIVE = Date.UTC(2026, 2, 10, 7, 45, 0);
const HISTORY_START = LIVE - 2 * DAY;

function writeConfig(): string {
  const dir = tempDir('sagezero-history-');
  const file = path.join(dir, 'hist.yaml');
  writeFileSync(
    file,
    `region: us-east-1
cloud: sim
project: hist
store: ./hist.db
sim:
  bootSeconds: 480
  seed: 5
  history: 2d
  traffic: { trace: ${path.join(ROOT, 'data/traces/demo-azure-functions.csv')}, format: azure-functions, select: [30a976ce7f], serviceSeconds: 20 }
daemon: { reconcileSchedule: "*/30 * * * *", telemetrySchedule: "* * * * *", alertsSchedule: "*/15 * * * *" }
server: { port: 0 }
endpoints:
  - name: ${EP}
    model: { image: 763104351884.dkr.ecr.us-east-1.amazonaws.com/x:1 }
    executionRoleArn: arn:aws:iam::123456789012:role/SageMakerExecution
    instanceType: ml.g5.12xlarge
    async: { outputPath: s3://sagezero-hist/out/, maxConcurrentInvocationsPerInstance: 4 }
    probe:
      schedule: "50 11 * * *" # once a simulated day, inside the trace window
      payload: { inputs: "hi" }
      timeoutSeconds: 1800
      bucket: s3://sagezero-hist/probes/
`,
  );
  return file;
}

interface Started {
  store: SqliteStore;
  sim: SimRuntime;
  daemon: RunningDaemon;
  events: CatchUpEvent[];
  live: Promise<void>;
  logs(): string;
}

async function start(config: Config): Promise<Started> {
  const store = openSqliteStore(config.storePath);
  const events: CatchUpEvent[] = [];
  let wentLive: () => void = () => undefined;
  const live = new Promise<void>((resolve) => (wentLive = resolve));
  const sim = await createSimRuntime(config, store, (clock) => storeApiCallObserver(store, clock), WALL_NOW, {
    onCatchUp: (e) => {
      events.push(e);
      if (e.kind === 'live') wentLive();
    },
  });
  let logs = '';
  const sink = new Writable({
    write(chunk: Buffer, _e, done) {
      logs += chunk.toString();
      done();
    },
  });
  const daemon = await startSimDaemon(sim, {
    config,
    store,
    log: createLogger(new Redactor(), sink),
    listen: { host: '127.0.0.1', port: 0 },
    background: [sim.accelerate, sim.replay],
  });
  return { store, sim, daemon, events, live, logs: () => logs };
}

let config: Config;
let first: Started;
let healthDuringCatchUp: { status: number; catchingUp: boolean } | undefined;

beforeAll(async () => {
  config = loadConfig(writeConfig());
  first = await start(config);
  // The HTTP server answers while the history is being simulated.
  healthDuringCatchUp = await fetch(`${first.daemon.url}/healthz`).then((r) => ({
    status: r.status,
    catchingUp: first.sim.catchingUp(),
  }));
  await first.live;
  await first.daemon.stop();
}, 120_000);

afterAll(async () => {
  if (first?.store.db.open) await first.store.close();
});

describe('serve on cloud: sim with sim.history on a fresh store', () => {
  it('starts virtual time the history before the live start and catches up day by day', () => {
    expect(first.sim.liveStart).toBe(LIVE);
    expect(first.sim.historyMs).toBe(2 * DAY);
    expect(first.events.map((e) => (e.kind === 'day' ? `day ${e.day} of ${e.days}` : e.kind))).toEqual([
      'day 1 of 2',
      'day 2 of 2',
      'live',
    ]);
    expect(first.events.at(-1)?.at).toBe(LIVE);
    expect(first.sim.catchingUp()).toBe(false);
    expect(healthDuringCatchUp).toEqual({ status: 200, catchingUp: true });
  });

  it('records the endpoint’s life from its creation at the start of the history', async () => {
    const lives = await first.store.instances.lives(EP, 'AllTraffic');
    expect(lives.length).toBe(1);
    const life = lives[0]!;
    // Created by the first reconcile at the history's start (timed by its CreationTime).
    expect(life.start).toBeGreaterThanOrEqual(HISTORY_START);
    expect(life.start).toBeLessThan(HISTORY_START + 60_000);
    const all = await first.store.instances.all(EP, 'AllTraffic');
    expect(all[0]!.at).toBe(life.start);
    // It woke and scaled to zero on each simulated day.
    for (const day of [0, 1]) {
      const from = HISTORY_START + day * DAY;
      const inDay = all.filter((t) => t.at >= from && t.at < from + DAY);
      expect(inDay.some((t) => t.count > 0)).toBe(true);
      expect(inDay.some((t) => t.count === 0 && t.at > from + 3_600_000)).toBe(true);
    }
  });

  it('accepted the replayed requests of both days', () => {
    const perDay = first.sim.targets[0]!.source.arrivals.length;
    expect(perDay).toBeGreaterThan(0);
    expect(first.sim.replayed.get(EP)).toEqual({ accepted: 2 * perDay, refused: 0 });
  });

  it('ran probes on both days', async () => {
    for (const day of [0, 1]) {
      const from = HISTORY_START + day * DAY;
      const probes = await first.store.probes.between(EP, from, from + DAY);
      expect(probes.length).toBe(1);
      expect(probes[0]!.outcome).toBe('success');
    }
  });

  it('never shows an always-on baseline larger than the endpoint’s life so far, at any hour of the history', async () => {
    // The dashboard, /api/v1/report and /metrics all read buildReport: ask it, hour by hour through the
    // two simulated days and the live start, for the default 7-day window ending then (at the start, the
    // window reaches five days before the endpoint existed).
    const life = (await first.store.instances.lives(EP, 'AllTraffic'))[0]!;
    const prices = new PriceResolver({ store: first.store, clock: first.sim.clock, pricing: config.pricing });
    for (let t = HISTORY_START + 3_600_000; t <= LIVE; t += 3_600_000) {
      const clock = { now: () => t, sleep: () => Promise.resolve() };
      const report = await buildReport(
        { store: first.store, config, prices, clock },
        { start: t - 7 * DAY, end: t },
      );
      const e = report.endpoints[0]!;
      const lifeHours = (t - life.start) / 3_600_000;
      // One baseline instance (max(1, minCapacity 0)) over the life: never more.
      expect(e.baseline.instanceHours).toBeLessThanOrEqual(lifeHours * e.baselineInstances + 1e-9);
      expect(e.baseline.instanceHours).toBeCloseTo(lifeHours * e.baselineInstances, 6);
      expect(e.life?.startSource).toBe('created');
      // Spend is over the same life (0 before the first record): the saving is the baseline minus it.
      expect(e.savingsUsd!).toBeCloseTo(e.baseline.spendUsd! - e.spendUsd!, 6);
    }
  });

  it('wrote nothing timed after the simulated clock', () => {
    const now = first.sim.clock.now();
    const max = (sql: string): number => (first.store.db.prepare(sql).pluck().get() as number | null) ?? 0;
    expect(max('SELECT MAX(at) FROM instance_transitions')).toBeLessThanOrEqual(now);
    expect(max('SELECT MAX(minute) FROM async_metrics')).toBeLessThanOrEqual(now);
    expect(max('SELECT MAX(COALESCE(finished_at, started_at)) FROM probe_results')).toBeLessThanOrEqual(now);
    expect(max('SELECT MAX(last_at) FROM aws_api_calls')).toBeLessThanOrEqual(now);
    expect(max('SELECT MAX(updated_at) FROM meta')).toBeLessThanOrEqual(now);
    expect(max('SELECT MAX(last_fired_at) FROM alerts')).toBeLessThanOrEqual(now);
  });

  it('does not catch up again on a store that has history', async () => {
    const historyRows = (await first.store.instances.all(EP, 'AllTraffic')).length;
    await first.store.close();
    const second = await start(config);
    try {
      expect(second.sim.historyMs).toBe(0);
      expect(second.sim.catchingUp()).toBe(false);
      // It resumes after what the store holds (the next day's window), never before it.
      expect(second.sim.clock.now()).toBeGreaterThanOrEqual(LIVE);
      expect(second.sim.liveStart).toBe(second.sim.clock.now());
      // Give the start-up reconcile and first poll a moment: still no catch-up, no earlier rows.
      await new Promise((r) => setTimeout(r, 300));
      expect(second.events).toEqual([]);
      const before = (await second.store.instances.all(EP, 'AllTraffic')).filter((t) => t.at < LIVE);
      expect(before.length).toBe(historyRows);
    } finally {
      await second.daemon.stop();
      await second.store.close();
    }
  });
});

describe('sim.history in the config', () => {
  const doc = (history: string): string =>
    `region: us-east-1\ncloud: sim\nsim:\n  history: ${history}\nendpoints:\n  - { name: a, model: { image: img }, executionRoleArn: "arn:aws:iam::123456789012:role/x", instanceType: ml.g5.xlarge }\n`;

  it('takes 0 or a duration', () => {
    expect(parseConfig(doc('0'), 'x.yaml', {}).sim.history).toBe(0);
    expect(parseSimHistory(parseConfig(doc('7d'), 'x.yaml', {}).sim.history)).toBe(7 * DAY);
    expect(parseSimHistory(parseConfig(doc('36h'), 'x.yaml', {}).sim.history)).toBe(36 * 3_600_000);
  });

  it('names the key and says what is wrong', () => {
    expect(() => parseConfig(doc('7x'), 'x.yaml', {})).toThrow(
      'x.yaml:4:3: sim.history: must be 0 or a duration like 12h, 7d or 2w',
    );
    expect(() => parseConfig(doc('40d'), 'x.yaml', {})).toThrow(
      'x.yaml:4:3: sim.history: must be at most 35d (the store keeps 35 days of metrics)',
    );
    expect(() => parseConfig(doc('3'), 'x.yaml', {})).toThrow(/sim\.history: must be 0 or a duration/);
  });
});
