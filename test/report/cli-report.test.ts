import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../src/cli/errors.js';
import { main } from '../../src/cli/main.js';
import { registerReport } from '../../src/cli/commands/report.js';
import { SUMMARY_COLUMNS } from '../../src/cost/csv.js';
import { META, openStore } from '../../src/store/index.js';
import { tempDir } from '../support/temp-dir.js';

const HOUR = 3600_000;
const SIM_NOW = Date.UTC(2026, 0, 5, 12); // the simulated clock of the last poll

let dir: string;
let file: string;

beforeEach(() => {
  dir = tempDir('sagezero-cli-report-');
  file = path.join(dir, 'demo.yaml');
  writeFileSync(
    file,
    `region: us-east-1
cloud: sim
store: ./var/sz.db
endpoints:
  - name: alpha
    model: { image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/x:1 }
    executionRoleArn: arn:aws:iam::123456789012:role/x
    instanceType: ml.g5.xlarge
    pricePerHourUsd: 2
`,
  );
});

async function seed(): Promise<void> {
  const store = await openStore(path.join(dir, 'var', 'sz.db'));
  await store.instances.insert({
    endpoint: 'alpha',
    variant: 'AllTraffic',
    at: SIM_NOW - 5 * HOUR,
    count: 1,
    source: 'poll',
  });
  await store.instances.insert({
    endpoint: 'alpha',
    variant: 'AllTraffic',
    at: SIM_NOW - 2 * HOUR,
    count: 0,
    source: 'poll',
  });
  await store.meta.set(META.lastPollAt, String(SIM_NOW), SIM_NOW);
  await store.close();
}

async function run(...args: string[]): Promise<string> {
  const out: string[] = [];
  const program = new Command().exitOverride();
  registerReport(program, { output: { out: (l) => out.push(l), err: () => undefined, interactive: false } });
  await program.parseAsync(['node', 'sagezero', 'report', '-c', file, ...args]);
  return out.join('\n');
}

describe('sagezero report', () => {
  it('prints JSON over the simulated clock of the last poll', async () => {
    await seed();
    const r = JSON.parse(await run('--since', '6h', '--json'));
    expect(r.window.end).toBe(new Date(SIM_NOW).toISOString());
    // 1 instance from -5 h to -2 h: 3 instance-hours at $2 = $6. The first record (-5 h) starts the
    // endpoint's life, so the baseline is 5 h x 1 x $2 = $10 (not the window's 6 h): saved $4 = 40 %.
    expect(r.endpoints[0]).toMatchObject({
      name: 'alpha',
      instanceHours: 3,
      spendUsd: 6,
      baseline: { instanceHours: 5, spendUsd: 10 },
      savingsUsd: 4,
      savingsPercent: 40,
      life: {
        start: new Date(SIM_NOW - 5 * HOUR).toISOString(),
        startSource: 'first-record',
        end: null,
        endSource: null,
      },
    });
  });

  it('prints CSV and a readable table', async () => {
    await seed();
    const csv = await run('--since', '6h', '--csv');
    expect(csv.split('\n')[0]).toBe(SUMMARY_COLUMNS.join(','));
    expect(csv.split('\n')).toHaveLength(3);
    const text = await run('--since', '6h', '--step', '1h');
    expect(text).toMatch(
      /^alpha\s+ml\.g5\.xlarge\s+3\.00\s+3\.00\s+2 \(override\)\s+\$6\.00\s+\$10\.00\s+\$4\.00 \(40\.0%\)/m,
    );
    expect(text).toContain('  - alpha always-on: 1 instance since 2026-01-05T07:00:00.000Z (first record)');
    expect(text).toMatch(/^TOTAL/m);
    expect(text).toContain('Series (step 1h');
  });

  it.each([
    [['--json', '--csv'], /--json and --csv cannot be combined/],
    [['--since', 'a week'], /^--since: must be a duration/],
    [['--start', 'yesterday'], /^--start: must be an RFC 3339 time/],
    [['--since', '1d', '--start', '2026-01-01T00:00:00Z'], /--since cannot be combined/],
    [['--step', '2h'], /^--step: must be one of 5m, 15m, 1h, 6h, 1d or auto/],
    [['--endpoint', 'beta'], /--endpoint: no endpoint named "beta"/],
  ])('rejects %j with a UserError', async (args, message) => {
    await seed();
    const err = await run(...args).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(message);
  });

  it('says there is no data when the store does not exist yet', async () => {
    const err = await run().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toContain(
      `no data yet: the store ${path.join(dir, 'var', 'sz.db')} does not exist`,
    );
  });

  describe('bounded series', () => {
    // Ten endpoints: alpha (seeded) and nine without history.
    function tenEndpoints(): void {
      const more = Array.from(
        { length: 9 },
        (_, i) => `  - name: ep${i}
    model: { image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/x:1 }
    executionRoleArn: arn:aws:iam::123456789012:role/x
    instanceType: ml.g5.xlarge
`,
      ).join('');
      writeFileSync(file, readFileSync(file, 'utf8') + more);
    }

    async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
      const out: string[] = [];
      const err: string[] = [];
      const code = await main(['report', '-c', file, ...args], {
        out: (l) => out.push(l),
        err: (l) => err.push(l),
        interactive: false,
      });
      return { code, out: out.join('\n'), err: err.join('\n') };
    }

    it('refuses a step over the point limit with exit 1 and says what fits', async () => {
      tenEndpoints();
      await seed();
      // SIM_NOW is noon: 90 d back starts on the hour, so 90 x 24 = 2,160 hourly buckets x 10
      // endpoints = 21,600 points, over 20,000; 6h gives 360 x 10 = 3,600. At 1h: 20,000 / 10 =
      // 2,000 buckets, capped at 5,000 per series, so a window of at most 1,999 h.
      const r = await cli('--since', '90d', '--step', '1h');
      expect(r.code).toBe(1);
      expect(r.out).toBe('');
      expect(r.err).toBe(
        'error: --step: 1h gives 21,600 points for this window (10 endpoints x 2,160 buckets), more than ' +
          'the limit of 20,000 points; the smallest step that fits is 6h (auto picks it); at 1h the window ' +
          'may be at most 1999h (since 1999h); or report one endpoint at a time (endpoint)',
      );
    });

    it('--step auto prints the series at the step it picked', async () => {
      tenEndpoints();
      await seed();
      const r = await cli('--since', '90d', '--step', 'auto', '--json');
      expect(r.code).toBe(0);
      const report = JSON.parse(r.out) as { window: { step: string }; total: { series: unknown[] } };
      expect(report.window.step).toBe('6h');
      expect(report.total.series).toHaveLength(360);
    });
  });
});
