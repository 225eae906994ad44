// The plan: what would change, resource by resource and field by field, and why.
import type { EndpointConfigState, EndpointState, ModelState } from '../cloud/types.js';
import type { ScalingObserved } from '../scaling/observe.js';
import type { ScalingResourceSet } from '../scaling/build.js';
import type { DesiredEndpoint } from './desired.js';
import type { FieldChange } from './diff.js';
import type { RealtimeEndpointPlan } from './realtime/types.js';

export type ResourceKind =
  | 'model'
  | 'endpoint-config'
  | 'endpoint'
  | 'scalable-target'
  | 'scaling-policy'
  | 'alarm'
  | 'scheduled-action'
  | 'inference-component';

export type ChangeAction = 'create' | 'update' | 'replace' | 'delete';

export interface ResourceChange {
  kind: ResourceKind;
  name: string;
  action: ChangeAction;
  reason: string;
  fields: FieldChange[];
  /** For replacements: the name of the resource this one takes over from. */
  replaces?: string;
  /** True when the cloud differs from what sagezero last applied (changed by hand). */
  drift?: boolean;
}

export interface EndpointObserved {
  endpoint?: EndpointState;
  currentConfig?: EndpointConfigState;
  currentModel?: ModelState;
  /** What exists under the desired content-addressed names, whoever made it. */
  desiredModel?: ModelState;
  desiredConfig?: EndpointConfigState;
  desiredModelExists: boolean;
  desiredConfigExists: boolean;
  /** Owned models / configs of this endpoint that are neither desired nor in use. */
  staleModels: string[];
  staleConfigs: string[];
  scaling: ScalingObserved;
}

export interface EndpointPlan {
  endpoint: string;
  changes: ResourceChange[];
  /** Why sagezero will not touch this endpoint (it is not sagezero's), if so. */
  refused?: string;
  /** The endpoint is busy (Creating/Updating/...): apply waits for it before acting. */
  busy?: string;
  desired: DesiredEndpoint;
  scaling: ScalingResourceSet;
  observed: EndpointObserved;
}

export interface Plan {
  project: string;
  cloud: 'aws' | 'sim';
  region: string;
  endpoints: EndpointPlan[];
  /** The `kind: realtime` endpoints' plans (src/provision/realtime/); absent when there are none. */
  realtime?: RealtimeEndpointPlan[];
  warnings: string[];
}

export function planHasChanges(plan: Plan): boolean {
  return [...plan.endpoints, ...(plan.realtime ?? [])].some((e) => e.changes.length > 0);
}

export function planRefusals(plan: Plan): string[] {
  return [...plan.endpoints, ...(plan.realtime ?? [])].flatMap((e) => (e.refused ? [e.refused] : []));
}
