// sagezero plan | apply | destroy — Terraform's contract: show the diff before changing anything,
// do nothing when nothing differs, and exit codes a script can use.
import type { Command } from 'commander';
import type { Config } from '../../config/load.js';
import { applyMany } from '../../provision/apply-many.js';
import { executeDestroy, planDestroy } from '../../provision/destroy.js';
import { buildPlan, planEndpoint } from '../../provision/plan.js';
import { planToJson, renderChange, renderPlan } from '../../provision/render.js';
import { modelResolver } from '../../provision/resolve-model.js';
import { runAdopt } from './adopt.js';
import { applyRealtimePlans } from '../../provision/realtime/apply.js';
import { planRealtime } from '../../provision/realtime/plan.js';
import { componentModelResolver } from '../../provision/realtime/resolve.js';
import { planHasChanges, planRefusals, type Plan } from '../../provision/types.js';
import { EndpointFailedError, type WaitOptions } from '../../provision/wait.js';
import type { OpenedCloud } from '../../cloud/open.js';
import type { ApiCallObserver } from '../../cloud/types.js';
import { endpointBoot } from '../../scaling/boot.js';
import { openStore, type Store, storeExists } from '../../store/index.js';
import { withCloud } from '../context.js';
import { commandClock } from '../store-clock.js';
import { refuseWhileSimDaemonRuns } from '../sim-daemon.js';
import { EXIT, UserError } from '../errors.js';
import type { Output } from '../output.js';
import { confirm } from '../prompt.js';

interface CommonOptions {
  config: string;
  endpoint?: string;
  json?: boolean;
}

interface ChangeOptions extends CommonOptions {
  yes?: boolean;
  waitTimeout: string;
}

export function registerProvision(program: Command, out: Output, setExit: (code: number) => void): void {
  program
    .command('plan')
    .description(
      'show what apply would create, update, replace or delete, field by field (exit 0: no changes, 2: changes, 1: error)',
    )
    .requiredOption('-c, --config <file>', 'sagezero YAML config')
    .option('--endpoint <name>', 'only this endpoint')
    .option('--json', 'print the plan as JSON')
    .action(async (opts: CommonOptions) => {
      setExit(await runPlan(opts, out));
    });

  program
    .command('apply')
    .description('show the plan, then create or update endpoints and their scale-to-zero policies')
    .requiredOption('-c, --config <file>', 'sagezero YAML config')
    .option('--endpoint <name>', 'only this endpoint')
    .option('--json', 'print the plan as JSON')
    .option('-y, --yes', 'do not ask for confirmation (required when not on a terminal)')
    .option('--wait-timeout <minutes>', 'how long to wait for an endpoint to be InService', '60')
    .option(
      '--adopt <name>',
      "make this existing endpoint sagezero's: list, ask, then add the ownership tags (nothing else changes)",
    )
    .action(async (opts: ChangeOptions & { adopt?: string }) => {
      const { adopt } = opts;
      setExit(await (adopt !== undefined ? runAdopt({ ...opts, adopt }, out) : runApply(opts, out)));
    });

  program
    .command('destroy')
    .description(
      "delete the config's endpoints and everything sagezero created for them (only resources it tagged)",
    )
    .requiredOption('-c, --config <file>', 'sagezero YAML config')
    .option('--endpoint <name>', 'only this endpoint')
    .option('--json', 'print what is deleted as JSON')
    .option('-y, --yes', 'do not ask for confirmation (required when not on a terminal)')
    .option('--wait-timeout <minutes>', 'how long to wait for an endpoint to be deleted', '60')
    .action(async (opts: ChangeOptions) => {
      setExit(await runDestroy(opts, out));
    });
}

function checkEndpoint(config: Config, name: string | undefined): void {
  const all = [...config.endpoints, ...config.realtimeEndpoints];
  if (name && !all.some((e) => e.name === name)) {
    const known = all.map((e) => e.name).join(', ');
    throw new UserError(`--endpoint ${name}: no such endpoint in ${config.file} (it has: ${known})`);
  }
}

function waitOptions(opened: OpenedCloud, out: Output, timeout: string): WaitOptions {
  const minutes = Number(timeout);
  if (!Number.isFinite(minutes) || minutes <= 0)
    throw new UserError(`--wait-timeout must be a positive number of minutes, got "${timeout}"`);
  return {
    cloud: opened.cloud,
    clock: opened.clock,
    progress: (line) => out.err(line),
    pollIntervalMs: opened.cloud.kind === 'sim' ? 30_000 : 15_000,
    timeoutMs: minutes * 60_000,
  };
}

async function makePlan(opened: OpenedCloud, config: Config, only: string | undefined): Promise<Plan> {
  // Measured cold starts (read-only, when the daemon has made a store) only feed a warning.
  const store = await openStoreIfAny(config);
  try {
    return await buildPlan(opened.cloud, config, modelResolver(opened.cloud, config), only, {
      boot: async (e) =>
        endpointBoot(e, store, store ? (await commandClock(config, store)).now() : undefined),
    });
  } finally {
    await store?.close();
  }
}

/** The config's store, read-only, when it exists and opens; plan does without it otherwise. */
async function openStoreIfAny(config: Config): Promise<Store | undefined> {
  if (!storeExists(config.storePath)) return undefined;
  try {
    return await openStore(config.storePath, { readonly: true });
  } catch {
    return undefined;
  }
}

function printPlan(plan: Plan, out: Output, json: boolean | undefined): void {
  out.out(json ? JSON.stringify(planToJson(plan), null, 2) : renderPlan(plan));
}

export async function runPlan(opts: CommonOptions, out: Output, observer?: ApiCallObserver): Promise<number> {
  await refuseWhileSimDaemonRuns(opts.config);
  return withCloud(opts.config, out, observer, async ({ config, opened }) => {
    checkEndpoint(config, opts.endpoint);
    const plan = await makePlan(opened, config, opts.endpoint);
    printPlan(plan, out, opts.json);
    if (planRefusals(plan).length > 0) return EXIT.error;
    return planHasChanges(plan) ? EXIT.changesPending : EXIT.ok;
  });
}

export async function runApply(
  opts: ChangeOptions,
  out: Output,
  observer?: ApiCallObserver,
): Promise<number> {
  await refuseWhileSimDaemonRuns(opts.config);
  return withCloud(opts.config, out, observer, async ({ config, opened }) => {
    checkEndpoint(config, opts.endpoint);
    const wait = waitOptions(opened, out, opts.waitTimeout);
    const plan = await makePlan(opened, config, opts.endpoint);
    printPlan(plan, out, opts.json);
    const refusals = planRefusals(plan);
    if (refusals.length > 0) {
      out.err(`nothing was changed: ${refusals.length} endpoint(s) are not sagezero's to manage (see above)`);
      return EXIT.error;
    }
    if (!planHasChanges(plan)) return EXIT.ok;
    if (!(await confirm(out, 'Apply these changes?', !!opts.yes, 'apply'))) {
      out.err('apply cancelled; nothing was changed');
      return EXIT.error;
    }
    // Several endpoints at a time (daemon.provisionConcurrency), each with its own progress lines.
    const outcomes = await applyMany(wait, plan.endpoints, {
      concurrency: config.daemon.provisionConcurrency,
      replan: async (ep) => {
        const endpoint = config.endpoints.find((e) => e.name === ep.endpoint);
        return endpoint ? planEndpoint(opened.cloud, config.project, endpoint, ep.desired) : ep;
      },
    });
    // kind: realtime endpoints (src/provision/realtime/), after the async ones.
    outcomes.push(
      ...(await applyRealtimePlans(wait, plan.realtime ?? [], async (ep) => {
        const again = await planRealtime(
          opened.cloud,
          config,
          componentModelResolver(opened.cloud, config),
          ep.endpoint,
        );
        return again[0] ?? ep;
      })),
    );
    const failed = outcomes.filter((o) => o.error !== undefined);
    for (const f of failed) if (f.error instanceof EndpointFailedError) endpointFailed(f.error, out);
    const other = failed.find((f) => !(f.error instanceof EndpointFailedError));
    if (other) throw other.error;
    if (failed.length > 0) return EXIT.error;
    out.err('apply complete');
    return EXIT.ok;
  });
}

export async function runDestroy(
  opts: ChangeOptions,
  out: Output,
  observer?: ApiCallObserver,
): Promise<number> {
  await refuseWhileSimDaemonRuns(opts.config);
  return withCloud(opts.config, out, observer, async ({ config, opened }) => {
    checkEndpoint(config, opts.endpoint);
    const wait = waitOptions(opened, out, opts.waitTimeout);
    const targets = await planDestroy(opened.cloud, config, opts.endpoint);
    if (opts.json) {
      out.out(
        JSON.stringify(
          {
            project: config.project,
            endpoints: targets.map((t) => ({ endpoint: t.endpoint, refused: t.refused, changes: t.changes })),
          },
          null,
          2,
        ),
      );
    } else {
      for (const t of targets) {
        if (t.refused) out.out(`endpoint ${t.endpoint}: REFUSED: ${t.refused}`);
        else if (t.changes.length === 0) out.out(`endpoint ${t.endpoint}: nothing to delete`);
        else out.out([`endpoint ${t.endpoint}:`, ...t.changes.flatMap(renderChange)].join('\n'));
      }
    }
    const refused = targets.filter((t) => t.refused);
    if (refused.length > 0) {
      out.err(`nothing was deleted: ${refused.length} endpoint(s) are not sagezero's (see above)`);
      return EXIT.error;
    }
    if (targets.every((t) => t.changes.length === 0)) return EXIT.ok;
    if (!(await confirm(out, 'Destroy these resources?', !!opts.yes, 'destroy'))) {
      out.err('destroy cancelled; nothing was deleted');
      return EXIT.error;
    }
    for (const t of targets) {
      try {
        await executeDestroy(wait, t);
      } catch (e) {
        return endpointFailed(e, out);
      }
    }
    out.err('destroy complete');
    return EXIT.ok;
  });
}

/** SageMaker's own failure (with its FailureReason) ends the command with exit 1; anything else is rethrown. */
function endpointFailed(e: unknown, out: Output): number {
  if (!(e instanceof EndpointFailedError)) throw e;
  out.err(`error: ${e.message}`);
  return EXIT.error;
}
