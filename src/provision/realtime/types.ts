// The plan of one `kind: realtime` endpoint: the same ResourceChange lines as an async endpoint's,
// with what was observed kept for apply.
import type {
  EndpointConfigState,
  EndpointState,
  InferenceComponentState,
  ModelState,
} from '../../cloud/types.js';
import type { ScalingResourceSet } from '../../scaling/build.js';
import type { ScalingObserved } from '../../scaling/observe.js';
import type { ResourceChange } from '../types.js';
import type { DesiredComponent, DesiredRealtime } from './desired.js';

export interface ComponentObserved {
  desired: DesiredComponent;
  /** The component under its name, whoever made it. */
  state?: InferenceComponentState;
  /** What exists under the desired model's content-addressed name. */
  model?: ModelState;
  scaling: ScalingObserved;
}

export interface RemovedComponent {
  name: string;
  scaling: ScalingObserved;
}

export interface RealtimeObserved {
  endpoint?: EndpointState;
  currentConfig?: EndpointConfigState;
  desiredConfig?: EndpointConfigState;
  components: ComponentObserved[];
  /** This endpoint's components (by ownership tag) that the config no longer lists. */
  removedComponents: RemovedComponent[];
  /** Components on the endpoint without this project's and endpoint's tags: never touched. */
  foreignComponents: string[];
  /** Owned endpoint configs and models of this endpoint that the config does not use. */
  staleConfigs: string[];
  staleModels: string[];
}

export interface RealtimeEndpointPlan {
  kind: 'realtime';
  endpoint: string;
  changes: ResourceChange[];
  /** Why sagezero will not touch this endpoint, if so. */
  refused?: string;
  /** The endpoint or a component is busy: apply waits for it before acting. */
  busy?: string;
  warnings: string[];
  desired: DesiredRealtime;
  /** One per component, in config order. */
  scaling: ScalingResourceSet[];
  observed: RealtimeObserved;
}
