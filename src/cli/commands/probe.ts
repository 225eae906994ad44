// sagezero probe — run the configured synthetic invocation now, for one endpoint or every endpoint
// with a probe block (on a realtime endpoint, one inference component: probe-realtime.ts), record it
// in the store as the daemon does, and exit non-zero unless every probe succeeded. On
// cloud: sim it refuses while a daemon owns the simulated region, and records nothing in a store whose
// history runs on a daemon's simulated clock (the probe ran in the CLI's own region, on its own clock).
import path from 'node:path';
import type { Command } from 'commander';
import type { Config } from '../../config/load.js';
import { configuredProbes, probeConfigOf } from '../../probe/from-config.js';
import { formatDuration } from '../../probe/invoke.js';
import { runProbe, type ProbeRun } from '../../probe/probe.js';
import { runRealtimeProbe, type RealtimeProbeRun } from '../../probe/probe-realtime.js';
import {
  allRealtimeTargets,
  describeRealtimeProbe,
  realtimeProbeTarget,
  type RealtimeTarget,
} from './probe-realtime.js';
import {
  openStore,
  StoreError,
  type ProbeResult,
  type Store,
  storeExists,
  storeLabel,
} from '../../store/index.js';
import { holderId } from '../../daemon/probe-recovery.js';
import { randomUUID } from 'node:crypto';
import type { ApiCallObserver } from '../../cloud/types.js';
import { withCloud } from '../context.js';
import { refuseWhileSimDaemonRuns } from '../sim-daemon.js';
import { storeSimNow } from '../store-clock.js';
import { EXIT, UserError } from '../errors.js';
import type { Output } from '../output.js';
import type { ProbeConfig } from '../../probe/config.js';
import type { EndpointConfig } from '../../config/load.js';

interface ProbeOptions {
  config: string;
  endpoint?: string;
  component?: string;
  json?: boolean;
}

export function registerProbe(program: Command, out: Output, setExit: (code: number) => void): void {
  program
    .command('probe')
    .description(
      'invoke each probed endpoint once now and measure it (cold start phases, total time); exit 1 unless all succeed',
    )
    .requiredOption('-c, --config <file>', 'sagezero YAML config')
    .option('--endpoint <name>', 'only this endpoint')
    .option(
      '--component <name>',
      'realtime endpoints: the inference component to probe (required when the endpoint has several)',
    )
    .option('--json', 'print the results as JSON')
    .action(async (opts: ProbeOptions) => {
      setExit(await runProbeCommand(opts, out));
    });
}

interface Target {
  endpoint: EndpointConfig;
  probe: ProbeConfig;
}

interface Targets {
  async: Target[];
  realtime: RealtimeTarget[];
}

export function probeTargets(
  config: Config,
  only: string | undefined,
  component?: string | undefined,
): Targets {
  if (only === undefined && component !== undefined) {
    throw new UserError(`--component ${component} needs --endpoint: the realtime endpoint it belongs to`);
  }
  if (only !== undefined) {
    const index = config.endpoints.findIndex((e) => e.name === only);
    const endpoint = config.endpoints[index];
    if (!endpoint) {
      const realtime = config.realtimeEndpoints.find((e) => e.name === only);
      if (realtime) return { async: [], realtime: [realtimeProbeTarget(realtime, component, config.file)] };
      const known = [...config.endpoints, ...config.realtimeEndpoints].map((e) => e.name).join(', ');
      throw new UserError(`--endpoint ${only}: no such endpoint in ${config.file} (it has: ${known})`);
    }
    if (component !== undefined) {
      throw new UserError(
        `--component applies to realtime endpoints only; ${only} is an async endpoint (it has no inference components)`,
      );
    }
    const probe = probeConfigOf(endpoint, config.file, index);
    if (!probe) {
      throw new UserError(
        `endpoint ${only} has no probe: block in ${config.file}; add one with at least a payload (see the README)`,
      );
    }
    return { async: [{ endpoint, probe }], realtime: [] };
  }
  const targets = {
    async: configuredProbes(config).map(({ endpoint, probe }) => ({ endpoint, probe })),
    realtime: allRealtimeTargets(config),
  };
  if (targets.async.length + targets.realtime.length === 0) {
    throw new UserError(
      `no endpoint in ${config.file} has a probe: block (components[].probe on a realtime endpoint); add one with at least a payload`,
    );
  }
  return targets;
}

export async function runProbeCommand(
  opts: ProbeOptions,
  out: Output,
  observer?: ApiCallObserver,
): Promise<number> {
  await refuseWhileSimDaemonRuns(opts.config);
  return withCloud(opts.config, out, observer, async ({ config, opened }) => {
    const targets = probeTargets(config, opts.endpoint, opts.component);
    const store = await openProbeStore(config);
    if (!store) {
      out.err(
        `(not recorded in ${storeLabel(config.storePath)}: its history runs on the daemon's simulated clock, ` +
          `and this probe runs in the CLI's own simulated region)`,
      );
    }
    const abort = new AbortController();
    const onSignal = (): void => {
      out.err('interrupted: stopping the probes and deleting their S3 objects');
      abort.abort(new Error('interrupted'));
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const holder = holderId(`cli-${randomUUID().slice(0, 8)}`);
    // Stamped with this process, so a serve on the same store leaves the probe alone.
    const sink = {
      save: async (r: ProbeResult) => {
        await store?.probes.save({ ...r, holder });
      },
    };
    const configDir = path.dirname(config.file);
    try {
      const asyncRuns = targets.async.map(({ endpoint, probe }) =>
        runProbe(
          {
            cloud: opened.cloud,
            clock: opened.clock,
            sink,
            signal: abort.signal,
            configDir,
            onProgress: (e) => {
              if (e.kind !== 'finished') out.err(`[${endpoint.name}] ${e.message}`);
            },
          },
          endpoint,
          probe,
        ).then((run) => ({ run, probe, text: describeProbe(run, probe) })),
      );
      const realtimeRuns = targets.realtime.map((target) =>
        runRealtimeProbe(
          {
            cloud: opened.cloud,
            clock: opened.clock,
            sink,
            signal: abort.signal,
            configDir,
            onProgress: (e) => {
              if (e.kind === 'attempt-failed') out.err(`[${target.endpoint.name}] ${e.message}`);
            },
          },
          {
            endpointName: target.endpoint.name,
            variantName: target.endpoint.variantName,
            componentName: target.component.componentName,
          },
          target.probe,
        ).then((run) => ({
          run,
          probe: target.probe,
          text: describeRealtimeProbe(run, target.probe, target),
        })),
      );
      const runs = await Promise.all([...asyncRuns, ...realtimeRuns]);
      if (opts.json)
        out.out(
          JSON.stringify(
            runs.map(({ run, probe }) => probeJson(run, probe)),
            null,
            2,
          ),
        );
      else for (const { text } of runs) out.out(text);
      return runs.every(({ run }) => run.result.outcome === 'success') ? EXIT.ok : EXIT.error;
    } finally {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      await store?.close();
    }
  });
}

/** The store the probe records into; undefined when its history runs on another clock. */
async function openProbeStore(config: Config): Promise<Store | undefined> {
  if (config.cloud === 'sim' && storeExists(config.storePath)) {
    let simNow: number | undefined;
    try {
      const ro = await openStore(config.storePath, { readonly: true });
      try {
        simNow = await storeSimNow(config, ro);
      } finally {
        await ro.close();
      }
    } catch {
      // Unreadable read-only: the writable open below says why, naming the file.
    }
    if (simNow !== undefined) return undefined;
  }
  try {
    return await openStore(config.storePath);
  } catch (e) {
    if (e instanceof StoreError) throw new UserError(e.message);
    throw e;
  }
}

export function probeJson(
  run: ProbeRun | RealtimeProbeRun,
  probe: Pick<ProbeConfig, 'coldStartSloSeconds'>,
): Record<string, unknown> {
  const json: Record<string, unknown> = { ...run.result };
  if (run.phases) json.phaseSources = run.phases.sources;
  if (probe.coldStartSloSeconds !== undefined) json.coldStartSloSeconds = probe.coldStartSloSeconds;
  if (run.overSlo !== undefined) json.overSlo = run.overSlo;
  return json;
}

export function describeProbe(run: ProbeRun, probe: Pick<ProbeConfig, 'coldStartSloSeconds'>): string {
  const r = run.result;
  const total = r.totalS !== undefined ? formatDuration(r.totalS * 1000) : '?';
  const warmth =
    r.instancesAtStart < 0
      ? ''
      : r.cold
        ? 'cold (0 instances at start)'
        : `warm (${r.instancesAtStart} instance(s))`;
  const lines = [`${r.endpoint}: ${r.outcome} after ${total}${warmth ? `, ${warmth}` : ''}`];
  if (r.queuedS !== undefined && r.scaleOutS !== undefined && r.inServiceToOutputS !== undefined) {
    lines.push(
      `  queued ${formatDuration(r.queuedS * 1000)} -> scale-out ${formatDuration(r.scaleOutS * 1000)} -> ` +
        `in service to output ${formatDuration(r.inServiceToOutputS * 1000)}`,
    );
  }
  if (run.overSlo !== undefined && probe.coldStartSloSeconds !== undefined) {
    lines.push(
      `  cold-start SLO ${formatDuration(probe.coldStartSloSeconds * 1000)}: ${run.overSlo ? 'MISSED' : 'met'}`,
    );
  }
  if (r.errorMessage) lines.push(`  ${r.errorMessage.split('\n')[0]}`);
  return lines.join('\n');
}
