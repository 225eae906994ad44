import { RequestPool } from '../src/cloud/sim/requests.js';
import { loadTrace } from '../src/simulate/traces/index.js';
import { DEFAULT_SETTINGS, provisionEndpoint } from '../src/simulate/runner.js';
import { createDrivenSimCloud } from '../src/cloud/sim/sim-cloud.js';
import { resolvePolicy } from '../src/simulate/policies.js';
import { defaultBoot } from '../src/cloud/sim/boot.js';
const trace = await loadTrace('../shared/data/traces/azure-functions-2019/500_invocations.csv', 'azure-functions', { seed: 1, defaultServiceSeconds: 10 });
const pool = new RequestPool();
const s = { ...DEFAULT_SETTINGS, boot: defaultBoot(480) };
const pol = resolvePolicy(process.argv[2] ?? 'aws-recommended');
let tProv = 0, tPre = 0, tLoop = 0, tPost = 0, reqs = 0, ev = 0;
const t0 = s.dayStart + trace.startOfDaySeconds * 1000;
for (const te of trace.endpoints) {
  let a = performance.now();
  const { engine, cloud } = createDrivenSimCloud({ region: s.region, seed: s.seed, boot: s.boot, startTime: t0 - 3_600_000 }, undefined, pool);
  const ep = await provisionEndpoint(engine, cloud, pol, s);
  let b = performance.now(); tProv += b - a;
  engine.runUntil(t0);
  let c = performance.now(); tPre += c - b;
  const arr = te.arrivals;
  for (let i = 0; i < arr.length; i++) { engine.runUntil(t0 + arr[i]! * 1000); engine.submit(ep, 10000, 21600000, 3600000); }
  let d = performance.now(); tLoop += d - c;
  engine.runUntil(t0 + trace.durationSeconds * 1000);
  tPost += performance.now() - d;
  reqs += arr.length; ev += engine.eventsProcessed;
}
console.log({ tProv: tProv | 0, tPre: tPre | 0, tLoop: tLoop | 0, tPost: tPost | 0, reqs, ev });
