// What Application Auto Scaling scales in the simulated region, whatever it is: an endpoint variant's
// instances (`endpoint/<name>/variant/<variant>`, sagemaker:variant:DesiredInstanceCount) or an
// inference component's copies (`inference-component/<name>`,
// sagemaker:inference-component:DesiredCopyCount). Target tracking, step scaling, cooldowns, scheduled
// actions and activities are the same machinery for both (autoscaling.ts); only this view differs.
import type { SimEngine } from './engine.js';
import type { SimEndpoint } from './entities.js';

export interface SimScalable {
  readonly resourceId: string;
  /** The endpoint the capacity belongs to (kept on activities so telemetry can attribute them). */
  readonly endpointName: string;
  /** What one unit of capacity is, for the activity description ("Setting desired copy count to 1."). */
  readonly unit: 'instance' | 'copy';
  desired(): number;
  /** Capacity serving now (ready instances or copies): what target tracking's proportion scales. */
  serving(): number;
  /** Whether SageMaker accepts a capacity change now (an endpoint Creating or Updating refuses it). */
  accepting(): boolean;
  setDesired(n: number): void;
  /** Capacity asked for is still coming up: the activity stays InProgress until it settles. */
  inProgress(): boolean;
  countScale(direction: 'out' | 'in'): void;
}

const variants = new WeakMap<SimEndpoint, SimScalable>();

/** The variant of an async endpoint as a scalable target (one view per endpoint, kept). */
export function variantScalable(sim: SimEngine, ep: SimEndpoint): SimScalable {
  let s = variants.get(ep);
  if (!s) {
    s = {
      resourceId: ep.resourceId,
      endpointName: ep.name,
      unit: 'instance',
      desired: () => ep.desired,
      serving: () => sim.servingCount(ep),
      accepting: () => ep.status === 'InService',
      setDesired: (n) => sim.setDesired(ep, n),
      inProgress: () => ep.bootingCount > 0,
      countScale: (d) => {
        if (d === 'out') ep.scaleOuts++;
        else ep.scaleIns++;
      },
    };
    variants.set(ep, s);
  }
  return s;
}
