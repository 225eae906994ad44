// The sagezero package as a library. Applications that call SageMaker async endpoints get the same
// machinery the CLI and the probes use:
//
//   import { createAwsCloud, invokeAsync, SystemClock } from 'sagezero';
//   const r = await invokeAsync(createAwsCloud({ region: 'us-east-1' }), new SystemClock(), {
//     endpointName: 'llm-a', payload: { inputs: 'Hello' }, bucket: 's3://my-bucket/requests/',
//     timeoutSeconds: 1800, onProgress: (e) => console.error(e.message),
//   });
//   if (r.outcome === 'success') console.log(new TextDecoder().decode(r.output));
//
// Real-time endpoints with inference components do not queue: invokeRealtime retries while the
// component wakes from zero and says how many attempts failed and how long it waited.
export {
  invokeAsync,
  submitAsync,
  InvokeError,
  type InvokeAsyncOptions,
  type InvokeAsyncResult,
  type InvokeOutcome,
  type InvokePayload,
  type InvokeProgress,
  type InvokeProgressKind,
  type InvokeTimings,
  type CapacityObservation,
  type SubmitAsyncOptions,
  type SubmittedInvocation,
} from './probe/invoke.js';
export {
  invokeRealtime,
  DEFAULT_REALTIME_RETRY,
  type InvokeRealtimeOptions,
  type InvokeRealtimeResult,
  type RealtimeInvokeOutcome,
  type RealtimeInvokeProgress,
  type FailedAttempt,
} from './probe/invoke-realtime.js';
export { NO_CAPACITY_ERROR } from './cloud/types.js';
export type { BackoffOptions } from './probe/backoff.js';
export { runProbe, type ProbeContext, type ProbeRun, type ProbeResultSink } from './probe/probe.js';
export { deriveColdStartPhases, type ColdStartPhases } from './probe/phases.js';
export { probeConfigSchema, type ProbeConfig } from './probe/config.js';
export { alertsConfigSchema, type AlertsConfig } from './alerts/config.js';
export { createAwsCloud } from './cloud/aws/index.js';
export { CloudError, type Cloud } from './cloud/types.js';
export { SystemClock, VirtualClock, type Clock } from './clock.js';
