// Config -> the SageMaker resources a `kind: realtime` endpoint needs: one model per component, an
// endpoint config whose variant has no model and managed instance scaling, the endpoint, and one
// inference component per model. Models and endpoint configs are immutable and content-addressed as
// for async endpoints (naming.ts); components have fixed names (<endpoint>-<component>) and are
// updated in place (UpdateInferenceComponent).
//
// AWS facts:
// - A variant without a model needs the endpoint config's ExecutionRoleArn, and managed instance
//   scaling with MinInstanceCount 0 lets the endpoint release every instance:
//   https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateEndpointConfig.html,
//   https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariantManagedInstanceScaling.html
// - ScaleInPolicy: IDLE_RELEASE or CONSOLIDATION, CooldownInMinutes 5-1440 (default 20),
//   MaximumStepSize 1-100 (default 1):
//   https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariantManagedInstanceScalingScaleInPolicy.html
//   sagezero always writes the policy with every default filled in, so what AWS reads back is what
//   was written and an unchanged config keeps its content-addressed name.
// - CreateInferenceComponent refuses RuntimeConfig.CopyCount 0 (issue 15): components are created
//   with one copy and the scaling policy takes them to zero.
//   https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateInferenceComponent.html
import type {
  InferenceComponentSpec,
  ModelSpec,
  RealtimeEndpointConfigSpec,
  Tags,
} from '../../cloud/types.js';
import type { ComponentConfig, RealtimeEndpointConfig } from '../../config/load.js';
import { ownerTags } from '../../ownership.js';
import type { ResolvedModel } from '../desired.js';
import { contentName } from '../naming.js';

/** Copies a component is created with: AWS refuses 0, the policy scales it down from here. */
export const INITIAL_COPY_COUNT = 1;

/** AWS's defaults, written explicitly (see above). */
export const DEFAULT_SCALE_IN = { policy: 'idle-release', cooldownMinutes: 20, maximumStepSize: 1 } as const;

export interface DesiredComponent {
  config: ComponentConfig;
  model: ModelSpec;
  spec: InferenceComponentSpec;
}

export interface DesiredRealtime {
  endpointName: string;
  config: RealtimeEndpointConfigSpec;
  components: DesiredComponent[];
  tags: Tags;
}

export function desiredRealtime(
  endpoint: RealtimeEndpointConfig,
  models: ReadonlyMap<string, ResolvedModel>,
  project: string,
): DesiredRealtime {
  const owner = ownerTags(project, endpoint.name);
  const tags: Tags = { ...endpoint.tags, ...owner };
  const scaleIn = endpoint.managedScaling.scaleIn;
  const configContent = {
    kind: 'realtime' as const,
    variantName: endpoint.variantName,
    instanceType: endpoint.instanceType,
    initialInstanceCount: endpoint.initialInstanceCount,
    executionRoleArn: endpoint.executionRoleArn,
    managedScaling: {
      minInstanceCount: endpoint.managedScaling.minInstances,
      maxInstanceCount: endpoint.managedScaling.maxInstances,
      scaleIn: {
        strategy:
          (scaleIn?.policy ?? DEFAULT_SCALE_IN.policy) === 'consolidation' ? 'CONSOLIDATION' : 'IDLE_RELEASE',
        cooldownMinutes: scaleIn?.cooldownMinutes ?? DEFAULT_SCALE_IN.cooldownMinutes,
        maximumStepSize: scaleIn?.maximumStepSize ?? DEFAULT_SCALE_IN.maximumStepSize,
      } as const,
    },
    routingStrategy:
      endpoint.routingStrategy === 'random' ? ('RANDOM' as const) : ('LEAST_OUTSTANDING_REQUESTS' as const),
  };
  const config: RealtimeEndpointConfigSpec = {
    name: contentName(endpoint.name, configContent),
    ...configContent,
    tags,
  };
  const components = endpoint.components.map((c): DesiredComponent => {
    const resolved = models.get(c.name);
    if (!resolved) throw new Error(`internal: no resolved model for component ${c.name}`);
    const componentTags: Tags = { ...endpoint.tags, ...c.tags, ...owner };
    const modelContent = {
      image: resolved.image,
      modelDataUrl: resolved.modelDataUrl,
      modelDataCompressed: resolved.modelDataCompressed,
      environment: resolved.environment,
      executionRoleArn: endpoint.executionRoleArn,
    };
    const model: ModelSpec = {
      name: contentName(c.componentName, modelContent),
      ...modelContent,
      tags: componentTags,
    };
    const spec: InferenceComponentSpec = {
      name: c.componentName,
      endpointName: endpoint.name,
      variantName: endpoint.variantName,
      modelName: model.name,
      acceleratorsPerCopy: c.acceleratorsPerCopy,
      memoryMbPerCopy: c.memoryMb,
      ...(c.cpuCores !== undefined ? { cpuCoresPerCopy: c.cpuCores } : {}),
      copyCount: INITIAL_COPY_COUNT,
      tags: componentTags,
    };
    return { config: c, model, spec };
  });
  return { endpointName: endpoint.name, config, components, tags };
}
