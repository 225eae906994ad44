// Resident memory of `sagezero serve` on `cloud: aws` with N endpoints (issue 14's "< 150 MB at 100"),
// against moto instead of AWS: starts moto on a loopback port (the integration tests' shim, which adds
// UpdateEndpoint), writes a temporary `cloud: aws` config of N endpoints, creates them with
// `sagezero apply --yes`, then runs `sagezero serve` as a child process for the given minutes and
// samples its VmRSS from /proc/<pid>/status every --sample-seconds. Prints RSS per minute, the peak
// (VmHWM) at the end, and `sagezero_aws_api_calls_total` from /metrics by operation.
//
//   npm run build && npx tsx bench/serve-aws-memory.ts [--endpoints 100] [--minutes 5]
//       [--cli dist/cli/main.js] [--sample-seconds 10] [--heap-snapshot] [--node-arg=--max-old-space-size=96]...
//
// `serve` runs the compiled CLI (--cli) under plain node, as a user runs it: tsx would add ~35 MB of
// loader and transpiled sources to the number. --heap-snapshot starts serve with
// --heapsnapshot-signal=SIGUSR2 and writes one snapshot just before stopping it (into the temp
// directory, which is then kept); a snapshot raises RSS, so read the table, not the final peak, then.
// The instance type is ml.g4dn.12xlarge because moto rejects the g5 family. A benchmark, not a test: moto answers in microseconds and every endpoint is InService at once, so
// the process holds what a fleet of this size in steady state holds, not what throttled AWS costs.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { motoEnv } from '../test/support/cli.js';
import { freePort, startMoto } from '../test/support/moto.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

const { values: args } = parseArgs({
  options: {
    endpoints: { type: 'string', default: '100' },
    minutes: { type: 'string', default: '5' },
    cli: { type: 'string', default: path.join(ROOT, 'dist/cli/main.js') },
    'sample-seconds': { type: 'string', default: '10' },
    'heap-snapshot': { type: 'boolean', default: false },
    'node-arg': { type: 'string', multiple: true, default: [] },
  },
});

function positive(flag: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) {
    console.error(`--${flag} must be a positive number, got "${raw}"`);
    process.exit(1);
  }
  return n;
}

const endpoints = Math.round(positive('endpoints', args.endpoints));
const minutes = positive('minutes', args.minutes);
const sampleMs = positive('sample-seconds', args['sample-seconds']) * 1000;
const cli = path.resolve(args.cli);
if (!existsSync(cli)) {
  console.error(`--cli ${cli} does not exist: run "npm run build" first, or pass --cli <path to main.js>`);
  process.exit(1);
}

function configYaml(n: number): string {
  const endpoint = (i: number): string => `  - name: memtest-${String(i).padStart(4, '0')}
    model:
      image: 763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.1.1-tgi2.0.0-gpu-py310-cu121-ubuntu22.04
      modelDataUrl: s3://sagezero-memtest-models/falcon-40b-instruct/model.tar.gz
      environment: { HF_MODEL_ID: /opt/ml/model, SM_NUM_GPUS: 4, MAX_INPUT_LENGTH: 1024, MAX_TOTAL_TOKENS: 2048 }
    executionRoleArn: arn:aws:iam::123456789012:role/SageMakerExecution
    instanceType: ml.g4dn.12xlarge
    initialInstanceCount: 1
    async: { maxConcurrentInvocationsPerInstance: 4, outputPath: s3://sagezero-memtest-out/out/ }
    tags: { team: nlp, env: bench }
    scaling: { preset: aws-recommended, maxCapacity: 2 }
`;
  return `region: us-east-1
cloud: aws
project: memtest
store: ./memtest.db
alerts:
  budgets: { monthlyUsd: ${Math.max(2000, n * 2000)}, thresholds: [0.5, 0.8, 1.0] }
endpoints:
${Array.from({ length: n }, (_, i) => endpoint(i)).join('')}`;
}

/**
 * CPU seconds (user + system) a process has used, from /proc/<pid>/stat; its times are in clock
 * ticks of USER_HZ, which is 100 on every Linux architecture Node runs on.
 */
function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces: state is field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** VmRSS and VmHWM of a process in MB, or undefined once it has gone. */
function memoryOf(pid: number): { rss: number; hwm: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

function run(argv: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return Promise.race([
    new Promise<boolean>((resolve) => child.once('exit', () => resolve(true))),
    sleep(ms).then(() => false),
  ]);
}

/** `sagezero_aws_api_calls_total` lines of a Prometheus exposition, as service/operation/outcome → count. */
function apiCalls(exposition: string): { key: string; count: number }[] {
  const rows: { key: string; count: number }[] = [];
  for (const line of exposition.split('\n')) {
    const m = /^sagezero_aws_api_calls_total\{([^}]*)\} (\S+)$/.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...m[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    rows.push({ key: `${labels.service} ${labels.operation} (${labels.outcome})`, count: Number(m[2]) });
  }
  return rows.sort((a, b) => b.count - a.count);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sagezero-serve-aws-memory-'));
  const moto = await startMoto();
  let serve: ChildProcess | undefined;
  let keep = false;
  try {
    const env = { ...process.env, ...motoEnv(moto.endpoint), SAGEZERO_LOG_LEVEL: 'info' };
    const config = path.join(dir, 'memtest.yaml');
    writeFileSync(config, configYaml(endpoints));

    const t0 = Date.now();
    const applied = await run([cli, 'apply', '-c', config, '--yes'], env, dir);
    if (applied.code !== 0)
      throw new Error(`apply failed (exit ${applied.code}):\n${applied.output.slice(-3000)}`);
    console.log(
      `apply --yes: ${endpoints} endpoints created on moto in ${((Date.now() - t0) / 1000).toFixed(0)} s`,
    );

    const port = await freePort();
    const nodeArgs = [
      ...args['node-arg'],
      ...(args['heap-snapshot'] ? ['--heapsnapshot-signal=SIGUSR2'] : []),
    ];
    const child = spawn(process.execPath, [...nodeArgs, cli, 'serve', '-c', config, '--port', String(port)], {
      cwd: dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    serve = child;
    let log = '';
    let logBytes = 0;
    let partial = '';
    const problems = new Map<string, number>();
    const collect = (d: Buffer): void => {
      logBytes += d.length;
      log = (log + d.toString()).slice(-20_000);
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const level = /"level":(\d+)/.exec(line)?.[1];
        if (level === undefined || Number(level) < 40) continue;
        const msg = /"msg":"((?:[^"\\]|\\.)*)"/.exec(line)?.[1] ?? line.slice(0, 200);
        const err = /"err":"((?:[^"\\]|\\.)*)"/.exec(line)?.[1];
        const key = (err ? `${msg}: ${err}` : msg).slice(0, 300);
        problems.set(key, (problems.get(key) ?? 0) + 1);
      }
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    const pid = child.pid!;
    console.log(
      `serve pid ${pid} on 127.0.0.1:${port}; sampling VmRSS every ${sampleMs / 1000} s for ${minutes} min`,
    );

    const samples: { at: number; rss: number }[] = [];
    const started = Date.now();
    const end = started + minutes * 60_000;
    for (let next = started; next <= end; next += sampleMs) {
      await sleep(Math.max(0, next - Date.now()));
      const m = memoryOf(pid);
      if (!m) throw new Error(`serve exited early (code ${child.exitCode}):\n${log.slice(-3000)}`);
      samples.push({ at: (Date.now() - started) / 1000, rss: m.rss });
    }

    const metrics = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text());
    if (args['heap-snapshot']) {
      child.kill('SIGUSR2');
      await sleep(15_000);
      keep = true;
    }
    const final = memoryOf(pid);
    const cpu = cpuSecondsOf(pid);

    console.log('\n| minute | RSS MB (min) | RSS MB (max) | RSS MB (last sample) |');
    console.log('|--:|--:|--:|--:|');
    for (let minute = 0; minute * 60 < samples.at(-1)!.at; minute++) {
      const inMinute = samples.filter((s) => s.at >= minute * 60 && s.at < (minute + 1) * 60);
      if (inMinute.length === 0) continue;
      const rss = inMinute.map((s) => s.rss);
      console.log(
        `| ${minute} | ${Math.min(...rss).toFixed(0)} | ${Math.max(...rss).toFixed(0)} | ${rss.at(-1)!.toFixed(0)} |`,
      );
    }
    const lastMinute = samples.filter((s) => s.at >= samples.at(-1)!.at - 60).map((s) => s.rss);
    console.log(
      `\nsteady (last minute's samples): ${Math.min(...lastMinute).toFixed(0)}-${Math.max(...lastMinute).toFixed(0)} MB; ` +
        `peak (VmHWM at the end${args['heap-snapshot'] ? ', after the heap snapshot' : ''}): ${final?.hwm.toFixed(0)} MB; ` +
        `serve used ${cpu.toFixed(1)} CPU seconds and wrote ${(logBytes / 1024).toFixed(0)} kB of log`,
    );

    if (problems.size > 0) {
      console.log('\nwarnings and errors serve logged (moto lacks some calls), by message:');
      for (const [msg, n] of problems) console.log(`  ${n} x ${msg}`);
    }

    const calls = apiCalls(metrics);
    const total = calls.reduce((s, c) => s + c.count, 0);
    console.log(
      `\nsagezero_aws_api_calls_total at the end (serve's own: apply records none), ${total} in all:`,
    );
    console.log('| service operation (outcome) | calls |\n|---|--:|');
    for (const c of calls) console.log(`| ${c.key} | ${c.count} |`);

    child.kill('SIGTERM');
    if (!(await waitForExit(child, 10_000))) {
      console.log('serve did not stop within 10 s of SIGTERM; killing it');
      child.kill('SIGKILL');
    }
    if (keep) {
      const snaps = readdirSync(dir).filter((f) => f.endsWith('.heapsnapshot'));
      console.log(`\nheap snapshot(s) in ${dir}: ${snaps.join(', ') || 'none written'}`);
    }
  } finally {
    if (serve && serve.exitCode === null && serve.signalCode === null) serve.kill('SIGKILL');
    await moto.stop();
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
