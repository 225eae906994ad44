// Config -> the SageMaker hosting resources one endpoint needs (model, endpoint config, endpoint).
import type { AsyncEndpointConfigSpec, ModelSpec, Tags } from '../cloud/types.js';
import type { EndpointConfig } from '../config/load.js';
import { ownerTags } from '../ownership.js';
import { contentName } from './naming.js';

/** What a model config resolves to (explicitly, or from JumpStart specs). */
export interface ResolvedModel {
  image: string;
  modelDataUrl?: string;
  modelDataCompressed?: boolean;
  environment: Record<string, string>;
}

export interface DesiredEndpoint {
  endpointName: string;
  model: ModelSpec;
  config: AsyncEndpointConfigSpec;
  tags: Tags;
}

export interface DesiredContext {
  project: string;
  region: string;
  accountId: string;
}

export function desiredEndpoint(
  endpoint: EndpointConfig,
  model: ResolvedModel,
  ctx: DesiredContext,
): DesiredEndpoint {
  const owner = ownerTags(ctx.project, endpoint.name);
  const tags: Tags = { ...endpoint.tags, ...owner };
  const modelContent = {
    image: model.image,
    modelDataUrl: model.modelDataUrl,
    modelDataCompressed: model.modelDataCompressed,
    environment: model.environment,
    executionRoleArn: endpoint.executionRoleArn,
  };
  const modelSpec: ModelSpec = { name: contentName(endpoint.name, modelContent), ...modelContent, tags };
  const defaultBucket = `s3://sagemaker-${ctx.region}-${ctx.accountId}`;
  const a = endpoint.async;
  const asyncSpec = {
    outputPath: a.outputPath ?? `${defaultBucket}/async-endpoint-outputs/${endpoint.name}`,
    failurePath: a.failurePath ?? `${defaultBucket}/async-endpoint-failures/${endpoint.name}`,
    kmsKeyId: a.kmsKeyId,
    maxConcurrentInvocationsPerInstance: a.maxConcurrentInvocationsPerInstance,
    successTopic: a.notifications?.successTopic,
    errorTopic: a.notifications?.errorTopic,
  };
  const configContent = {
    modelName: modelSpec.name,
    variantName: endpoint.variantName,
    instanceType: endpoint.instanceType,
    initialInstanceCount: endpoint.initialInstanceCount,
    async: asyncSpec,
  };
  const configSpec: AsyncEndpointConfigSpec = {
    name: contentName(endpoint.name, configContent),
    ...configContent,
    tags,
  };
  return { endpointName: endpoint.name, model: modelSpec, config: configSpec, tags };
}

/** Explicit image/modelDataUrl: nothing to look up. */
export function explicitModel(endpoint: EndpointConfig): ResolvedModel | undefined {
  return explicitModelBlock(endpoint.model);
}

/** A `model:` block given as an image (an async endpoint's, or a real-time component's), as is. */
export function explicitModelBlock(m: EndpointConfig['model']): ResolvedModel | undefined {
  if (!m.image) return undefined;
  const compressed = m.modelDataUrl === undefined ? undefined : !m.modelDataUrl.endsWith('/');
  return {
    image: m.image,
    modelDataUrl: m.modelDataUrl,
    modelDataCompressed: compressed,
    environment: m.environment ?? {},
  };
}
