// Deterministic synthetic history for dashboard tests and the report benchmark: endpoints that
// wake a few times a day, some wakes caused by cold probes, with the metrics the report reads.
import type { MetricPoint, Store } from '../../src/store/index.js';

const MIN = 60_000;

export interface SeedOptions {
  endpoints: string[];
  start: number;
  end: number;
  wakesPerDay: number;
  seed?: number;
  /** Write per-minute metrics for the last this-many ms only (the store keeps 35 days). */
  metricsFor?: number;
}

export interface SeedStats {
  transitions: number;
  probes: number;
  metricPoints: number;
}

export async function seedHistory(store: Store, o: SeedOptions): Promise<SeedStats> {
  let x = o.seed ?? 42;
  const rand = (): number => {
    // Park-Miller LCG: reproducible without a dependency.
    x = (x * 48271) % 2147483647;
    return x / 2147483647;
  };
  const stats: SeedStats = { transitions: 0, probes: 0, metricPoints: 0 };
  const metricsFrom = o.metricsFor === undefined ? o.start : o.end - o.metricsFor;
  await store.transaction(async () => {
    for (const name of o.endpoints) {
      const points: MetricPoint[] = [];
      await store.instances.insert({
        endpoint: name,
        variant: 'AllTraffic',
        at: o.start - 3600_000,
        count: 0,
        source: 'poll',
      });
      stats.transitions++;
      let t = o.start + rand() * (86_400_000 / o.wakesPerDay);
      let n = 0;
      while (t < o.end) {
        const up = Math.round((15 + rand() * 45) * MIN);
        const count = rand() < 0.15 ? 2 : 1;
        const byProbe = n % 3 === 0;
        const wake = Math.round(t);
        await store.instances.insert({
          endpoint: name,
          variant: 'AllTraffic',
          at: wake,
          count,
          source: 'activity',
        });
        await store.instances.insert({
          endpoint: name,
          variant: 'AllTraffic',
          at: wake + up,
          count: 0,
          source: 'activity',
        });
        stats.transitions += 2;
        if (byProbe) {
          const started = wake - Math.round((6 + rand() * 4) * MIN);
          const finished = wake + Math.round((0.5 + rand()) * MIN);
          await store.probes.save({
            id: `${name}-p${n}`,
            endpoint: name,
            startedAt: started,
            finishedAt: finished,
            instancesAtStart: 0,
            cold: true,
            totalS: (finished - started) / 1000,
            outcome: 'success',
          });
          stats.probes++;
          if (wake >= metricsFrom)
            points.push({
              endpoint: name,
              metric: 'InvocationsProcessed',
              minute: Math.floor(finished / MIN) * MIN,
              value: 1,
            });
        } else if (wake >= metricsFrom) {
          const age = 300 + Math.round(rand() * 400);
          for (let m = Math.floor((wake - age * 1000) / MIN) * MIN; m <= wake + 2 * MIN; m += MIN) {
            points.push({
              endpoint: name,
              metric: 'ApproximateAgeOfOldestRequest',
              minute: m,
              value: Math.max(0, (m - (wake - age * 1000)) / 1000),
            });
          }
          for (let m = Math.floor(wake / MIN) * MIN; m < wake + up; m += 5 * MIN) {
            points.push({
              endpoint: name,
              metric: 'InvocationsProcessed',
              minute: m,
              value: 1 + Math.floor(rand() * 5),
            });
          }
        }
        n++;
        t = wake + up + rand() * 2 * (86_400_000 / o.wakesPerDay);
      }
      await store.metrics.upsert(points);
      stats.metricPoints += points.length;
    }
  });
  return stats;
}
