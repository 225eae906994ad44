// sagezero invoke — send one request to an async endpoint the way an application would: upload the
// payload, InvokeEndpointAsync, and with --wait stay until the result appears (saying "waiting for
// capacity" while a scaled-to-zero endpoint wakes) and print it. Results go to stdout, progress to stderr.
// On a realtime endpoint it calls one inference component and retries while it wakes
// (invoke-realtime.ts): there is no queue, so it always waits.
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { probeConfigOf } from '../../probe/from-config.js';
import { formatDuration, invokeAsync, InvokeError, submitAsync } from '../../probe/invoke.js';
import {
  contentTypeForFile,
  PayloadFileError,
  readPayloadFile,
  resolveInputPrefix,
} from '../../probe/target.js';
import type { Config, EndpointConfig, RealtimeEndpointConfig } from '../../config/load.js';
import { pickComponent, runRealtimeInvoke } from './invoke-realtime.js';
import type { ApiCallObserver } from '../../cloud/types.js';
import { withCloud } from '../context.js';
import { refuseWhileSimDaemonRuns } from '../sim-daemon.js';
import { EXIT, UserError } from '../errors.js';
import type { Output } from '../output.js';

interface InvokeOptions {
  config: string;
  endpoint?: string;
  payload: string;
  wait?: boolean;
  timeout: string;
  contentType?: string;
  bucket?: string;
  output?: string;
  inferenceId?: string;
  component?: string;
}

/** SageMaker's own default queue time for a request: the CLI giving up does not withdraw it. */
const DEFAULT_REQUEST_TTL_SECONDS = 21_600;

export function registerInvoke(program: Command, out: Output, setExit: (code: number) => void): void {
  program
    .command('invoke')
    .description(
      'upload a payload, invoke an async endpoint, and (with --wait) print its output; on a realtime endpoint, call a component and retry while it wakes',
    )
    .requiredOption('-c, --config <file>', 'sagezero YAML config')
    .option('--endpoint <name>', 'the endpoint (required when the config has more than one)')
    .requiredOption('--payload <file>', 'request body file ("-" reads standard input)')
    .option('--wait', 'wait for the result and print it (otherwise print where it will appear)')
    .option('--timeout <seconds>', 'with --wait: how long to wait', '3600')
    .option('--content-type <type>', 'request content type (default: from the file extension)')
    .option('--bucket <s3uri>', 'S3 prefix for the input (default: the probe bucket, else the output bucket)')
    .option('--output <file>', 'with --wait: write the output bytes to this file instead of stdout')
    .option('--inference-id <id>', 'InferenceId to use (default: a new UUID)')
    .option(
      '--component <name>',
      'realtime endpoints: the inference component to call (required when the endpoint has several)',
    )
    .action(async (opts: InvokeOptions) => {
      setExit(await runInvokeCommand(opts, out));
    });
}

type Picked =
  | { kind: 'async'; endpoint: EndpointConfig; index: number }
  | { kind: 'realtime'; endpoint: RealtimeEndpointConfig };

function pickEndpoint(config: Config, name: string | undefined): Picked {
  const all = [...config.endpoints, ...config.realtimeEndpoints];
  const known = all.map((e) => e.name).join(', ');
  if (name === undefined && all.length !== 1) {
    throw new UserError(`--endpoint is required: ${config.file} has several endpoints (${known})`);
  }
  const index = config.endpoints.findIndex((e) => name === undefined || e.name === name);
  const endpoint = config.endpoints[index];
  if (endpoint) return { kind: 'async', endpoint, index };
  const realtime = config.realtimeEndpoints.find((e) => name === undefined || e.name === name);
  if (realtime) return { kind: 'realtime', endpoint: realtime };
  throw new UserError(`--endpoint ${name}: no such endpoint in ${config.file} (it has: ${known})`);
}

function parseTimeout(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new UserError(`--timeout must be a positive number of seconds, got "${value}"`);
  return n;
}

function readPayload(file: string): Uint8Array {
  try {
    if (file === '-') return new Uint8Array(readFileSync(0));
    return readPayloadFile(file, process.cwd(), '--payload file');
  } catch (e) {
    if (e instanceof PayloadFileError) throw new UserError(e.message);
    throw new UserError(`cannot read --payload from standard input: ${(e as Error).message}`);
  }
}

export async function runInvokeCommand(
  opts: InvokeOptions,
  out: Output,
  observer?: ApiCallObserver,
): Promise<number> {
  const timeoutSeconds = parseTimeout(opts.timeout);
  // Before reading the payload: a refused command leaves standard input unread.
  await refuseWhileSimDaemonRuns(opts.config);
  const payload = readPayload(opts.payload);
  const contentType =
    opts.contentType ??
    (opts.payload === '-' ? 'application/octet-stream' : contentTypeForFile(opts.payload));
  return withCloud(opts.config, out, observer, async ({ config, opened }) => {
    const picked = pickEndpoint(config, opts.endpoint);
    if (picked.kind === 'realtime') {
      // Options that only mean something for a queued request are refused, not silently ignored.
      const asyncOnly = (['bucket', 'inferenceId'] as const).filter((k) => opts[k] !== undefined);
      if (asyncOnly.length > 0) {
        const flag = asyncOnly[0] === 'bucket' ? '--bucket' : '--inference-id';
        throw new UserError(
          `${flag} applies to async endpoints only; ${picked.endpoint.name} is a realtime endpoint (its requests are not queued)`,
        );
      }
      const component = pickComponent(picked.endpoint, opts.component, config.file);
      const abort = new AbortController();
      const onSignal = (): void => abort.abort(new Error('interrupted'));
      process.once('SIGINT', onSignal);
      try {
        return await runRealtimeInvoke(
          opened.cloud,
          opened.clock,
          picked.endpoint,
          component,
          { payload, contentType, timeoutSeconds, output: opts.output },
          out,
          abort.signal,
        );
      } finally {
        process.removeListener('SIGINT', onSignal);
      }
    }
    if (opts.component !== undefined) {
      throw new UserError(
        `--component applies to realtime endpoints only; ${picked.endpoint.name} is an async endpoint (it has no inference components)`,
      );
    }
    const { endpoint, index } = picked;
    const probe = probeConfigOf(endpoint, config.file, index);
    const bucket = await resolveInputPrefix(opened.cloud, endpoint, opts.bucket ?? probe?.bucket);
    try {
      if (!opts.wait) {
        const sub = await submitAsync(opened.cloud, {
          endpointName: endpoint.name,
          payload,
          contentType,
          bucket,
          requestTtlSeconds: DEFAULT_REQUEST_TTL_SECONDS,
          ...(opts.inferenceId ? { inferenceId: opts.inferenceId } : {}),
        });
        out.err(`queued ${sub.inferenceId}; the result will appear at ${sub.outputLocation}`);
        out.out(JSON.stringify(sub, null, 2));
        return EXIT.ok;
      }
      const abort = new AbortController();
      const onSignal = (): void => abort.abort(new Error('interrupted'));
      process.once('SIGINT', onSignal);
      try {
        const r = await invokeAsync(opened.cloud, opened.clock, {
          endpointName: endpoint.name,
          payload,
          contentType,
          bucket,
          timeoutSeconds,
          requestTtlSeconds: DEFAULT_REQUEST_TTL_SECONDS,
          // A request still queued needs its input: keep it when we stop waiting before the result.
          keepObjects: 'unfinished',
          signal: abort.signal,
          ...(opts.inferenceId ? { inferenceId: opts.inferenceId } : {}),
          onProgress: (e) => {
            if (e.kind !== 'finished' && e.kind !== 'started') out.err(e.message);
          },
        });
        const after = formatDuration(r.timings.totalMs);
        switch (r.outcome) {
          case 'success': {
            const bytes = r.output ?? new Uint8Array();
            if (opts.output) {
              writeFileSync(opts.output, bytes);
              out.err(`result (${bytes.length} bytes) written to ${opts.output} after ${after}`);
            } else {
              out.err(`result after ${after}:`);
              out.out(new TextDecoder().decode(bytes).replace(/\n$/, ''));
            }
            return EXIT.ok;
          }
          case 'model_error':
            out.err(`error: the model failed after ${after}:\n${r.failure ?? ''}`);
            return EXIT.error;
          case 'timeout':
          case 'interrupted':
            out.err(
              `error: ${r.outcome === 'timeout' ? `no result after ${after}` : 'stopped waiting'}; ` +
                `request ${r.inferenceId} is still queued and its result will appear at ${r.outputLocation}`,
            );
            return EXIT.error;
        }
      } finally {
        process.removeListener('SIGINT', onSignal);
      }
    } catch (e) {
      if (e instanceof InvokeError) throw new UserError(e.message);
      throw e;
    }
  });
}
