// Rules over DescribeEndpoint: Failed, or stuck in a transitional status for too long.
import type { EndpointState } from '../../cloud/types.js';
import type { AlertCondition } from '../types.js';
import { duration, isoMinute } from '../units.js';

const FAILED = new Set<EndpointState['status']>(['Failed', 'UpdateRollbackFailed']);
const TRANSITIONAL = new Set<EndpointState['status']>([
  'Creating',
  'Updating',
  'SystemUpdating',
  'RollingBack',
]);

export function endpointHealth(
  name: string,
  state: EndpointState | undefined,
  now: number,
  stuckMinutes: number,
): AlertCondition[] {
  if (!state) return [];
  if (FAILED.has(state.status)) {
    return [
      {
        key: `endpoint-failed:${name}`,
        rule: 'endpoint-failed',
        endpoint: name,
        severity: 'critical',
        title: `Endpoint ${name} is ${state.status}`,
        summary: `SageMaker reports ${name} as ${state.status}${state.failureReason ? `: ${state.failureReason}` : ''}.`,
        facts: [
          { label: 'Status', value: state.status },
          { label: 'Since', value: isoMinute(state.lastModifiedAt) },
          { label: 'Failure reason', value: (state.failureReason ?? 'none given').slice(0, 300) },
        ],
        action:
          state.status === 'UpdateRollbackFailed'
            ? 'The endpoint could not roll back an update: it cannot be updated again until it is deleted and re-created (sagezero destroy --endpoint, then apply).'
            : 'Read the failure reason (image pull, model load, health check, capacity), fix the config, and run sagezero apply; a Failed endpoint serves nothing.',
      },
    ];
  }
  const forMs = now - state.lastModifiedAt;
  if (TRANSITIONAL.has(state.status) && forMs > stuckMinutes * 60_000) {
    return [
      {
        key: `endpoint-stuck:${name}`,
        rule: 'endpoint-stuck',
        endpoint: name,
        severity: 'warning',
        title: `Endpoint ${name} stuck in ${state.status}`,
        summary: `${name} has been ${state.status} for ${duration(forMs / 1000)} (alert after ${stuckMinutes} min).`,
        facts: [
          { label: 'Status', value: state.status },
          { label: 'Since', value: isoMinute(state.lastModifiedAt) },
          { label: 'Instances', value: instances(state) },
        ],
        action:
          'Large models can take 15+ minutes to create or scale; beyond that, check the CloudWatch logs of the endpoint (model download, container start) and the instance quota for its type.',
      },
    ];
  }
  return [];
}

function instances(s: EndpointState): string {
  return (
    s.variants
      .map((v) => `${v.variantName}: ${v.currentInstanceCount}/${v.desiredInstanceCount}`)
      .join(', ') || 'none'
  );
}
