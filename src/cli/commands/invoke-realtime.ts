// `sagezero invoke` on a realtime endpoint: one synchronous InvokeEndpoint to one inference
// component, retried while the component wakes from zero (src/probe/invoke-realtime.ts). The answer
// goes to stdout (or --output); each refused attempt and the final count of failed attempts and
// time waited go to stderr.
import { writeFileSync } from 'node:fs';
import type { Clock } from '../../clock.js';
import type { Cloud } from '../../cloud/types.js';
import type { ComponentConfig, RealtimeEndpointConfig } from '../../config/load.js';
import { formatDuration } from '../../probe/invoke.js';
import { invokeRealtime } from '../../probe/invoke-realtime.js';
import { EXIT, UserError } from '../errors.js';
import type { Output } from '../output.js';

/** The component named by --component, or the endpoint's only one. */
export function pickComponent(
  endpoint: RealtimeEndpointConfig,
  name: string | undefined,
  file: string,
): ComponentConfig {
  const known = endpoint.components.map((c) => c.name).join(', ');
  if (name === undefined) {
    const only = endpoint.components[0];
    if (endpoint.components.length === 1 && only) return only;
    throw new UserError(
      `--component is required: endpoint ${endpoint.name} in ${file} has several components (${known})`,
    );
  }
  // The config's name, or the SageMaker name (<endpoint>-<component>) a user may copy from the console.
  const found = endpoint.components.find((c) => c.name === name || c.componentName === name);
  if (!found) {
    throw new UserError(
      `--component ${name}: endpoint ${endpoint.name} in ${file} has no such component (it has: ${known})`,
    );
  }
  return found;
}

export interface RealtimeInvokeCommand {
  payload: Uint8Array;
  contentType: string;
  timeoutSeconds: number;
  output?: string | undefined;
}

export async function runRealtimeInvoke(
  cloud: Cloud,
  clock: Clock,
  endpoint: RealtimeEndpointConfig,
  component: ComponentConfig,
  opts: RealtimeInvokeCommand,
  out: Output,
  signal?: AbortSignal,
): Promise<number> {
  const r = await invokeRealtime(cloud, clock, {
    endpointName: endpoint.name,
    componentName: component.componentName,
    payload: opts.payload,
    contentType: opts.contentType,
    timeoutSeconds: opts.timeoutSeconds,
    ...(signal ? { signal } : {}),
    onProgress: (e) => {
      if (e.kind === 'attempt-failed') out.err(e.message);
    },
  });
  const failed = `${r.failedAttempts} failed attempt${r.failedAttempts === 1 ? '' : 's'}`;
  const waited = `waited ${formatDuration(r.timings.waitedMs)}`;
  switch (r.outcome) {
    case 'success': {
      const bytes = r.output ?? new Uint8Array();
      const summary = `answered after ${formatDuration(r.timings.totalMs)} (${waited}, ${failed})`;
      if (opts.output) {
        writeFileSync(opts.output, bytes);
        out.err(`${summary}; ${bytes.length} bytes written to ${opts.output}`);
      } else {
        out.err(`${summary}:`);
        out.out(new TextDecoder().decode(bytes).replace(/\n$/, ''));
      }
      return EXIT.ok;
    }
    case 'error':
      out.err(
        `error: ${endpoint.name}/${component.name} answered ${r.error?.code ?? 'an error'} after ${formatDuration(r.timings.totalMs)} (${failed}): ${r.error?.message ?? ''}`,
      );
      return EXIT.error;
    case 'timeout':
      out.err(
        `error: no answer from ${endpoint.name}/${component.name} after ${formatDuration(r.timings.totalMs)} ` +
          `(${failed}, the last ${r.error?.code ?? 'unknown'}); is its wake policy in place? (sagezero plan)`,
      );
      return EXIT.error;
    case 'interrupted':
      out.err(`stopped after ${formatDuration(r.timings.totalMs)} (${failed})`);
      return EXIT.error;
  }
}
