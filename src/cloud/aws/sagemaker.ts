// SageMaker hosting: models, endpoint configs, endpoints. Getters answer undefined for "not found";
// deletes of something already gone succeed, so a reconcile interrupted half-way can simply rerun.
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DeleteEndpointCommand,
  DeleteEndpointConfigCommand,
  DeleteModelCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  ListEndpointConfigsCommand,
  ListEndpointsCommand,
  ListModelsCommand,
  ListTagsCommand,
  UpdateEndpointCommand,
  UpdateEndpointWeightsAndCapacitiesCommand,
} from '@aws-sdk/client-sagemaker';
import { CloudError } from '../types.js';
import type {
  EndpointConfigSpec,
  EndpointConfigState,
  EndpointState,
  EndpointSummary,
  ModelSpec,
  ModelState,
  Tags,
} from '../types.js';
import { allPages, attempt, failure, type AwsContext } from './call.js';
import { isSageMakerNotFound } from './errors.js';
import {
  fromDescribeEndpoint,
  fromDescribeEndpointConfig,
  fromDescribeModel,
  toCreateEndpointConfigInput,
  toCreateModelInput,
  toEndpointStatus,
} from './sagemaker-mappers.js';
import { fromTagList, toTagList } from './tags.js';

type Kind = 'model' | 'endpoint' | 'endpoint configuration';

/** Runs a SageMaker call whose "not found" answer means `undefined`. */
async function orUndefined<T>(
  ctx: AwsContext,
  kind: Kind,
  operation: string,
  name: string,
  fn: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await fn();
  } catch (e) {
    if (isSageMakerNotFound(e, kind)) return undefined;
    throw failure(ctx, 'sagemaker', operation, `${kind} "${name}"`, e);
  }
}

async function listTags(ctx: AwsContext, arn: string, what: string): Promise<Tags> {
  const sm = ctx.clients.sagemaker;
  const tags = await attempt(ctx, 'sagemaker', 'ListTags', what, () =>
    allPages(
      (NextToken) => sm.send(new ListTagsCommand({ ResourceArn: arn, NextToken })),
      (p) => p.Tags,
      (p) => p.NextToken,
    ),
  );
  return fromTagList(tags);
}

/** Names starting with `prefix`: NameContains narrows server-side, startsWith makes it exact. */
function byPrefix(names: (string | undefined)[], prefix: string): string[] {
  return names.filter((n): n is string => n !== undefined && n.startsWith(prefix)).sort();
}

export function sageMakerOps(ctx: AwsContext) {
  const sm = ctx.clients.sagemaker;

  async function getModel(name: string): Promise<ModelState | undefined> {
    const out = await orUndefined(ctx, 'model', 'DescribeModel', name, () =>
      sm.send(new DescribeModelCommand({ ModelName: name })),
    );
    if (!out) return undefined;
    return fromDescribeModel(out, await listTags(ctx, out.ModelArn ?? '', `model "${name}"`));
  }

  async function getEndpointConfig(name: string): Promise<EndpointConfigState | undefined> {
    const out = await orUndefined(ctx, 'endpoint configuration', 'DescribeEndpointConfig', name, () =>
      sm.send(new DescribeEndpointConfigCommand({ EndpointConfigName: name })),
    );
    if (!out) return undefined;
    const tags = await listTags(ctx, out.EndpointConfigArn ?? '', `endpoint configuration "${name}"`);
    return fromDescribeEndpointConfig(out, tags);
  }

  async function getEndpoint(name: string): Promise<EndpointState | undefined> {
    const out = await orUndefined(ctx, 'endpoint', 'DescribeEndpoint', name, () =>
      sm.send(new DescribeEndpointCommand({ EndpointName: name })),
    );
    if (!out) return undefined;
    // Checked before the tags are read: a missing ARN is named as such, not as a failed ListTags.
    const state = fromDescribeEndpoint(out, name);
    return { ...state, tags: await listTags(ctx, state.arn, `endpoint "${name}"`) };
  }

  /** Re-reads what was just created, so callers get AWS's view (ARN, timestamps, defaults). */
  async function readBack<T>(
    what: string,
    operation: string,
    read: () => Promise<T | undefined>,
  ): Promise<T> {
    const state = await read();
    if (!state) {
      throw new CloudError(
        `SageMaker created ${what} but ${operation} cannot find it`,
        'NotFoundAfterCreate',
        true,
        operation,
      );
    }
    return state;
  }

  async function deleteIgnoringMissing(
    kind: Kind,
    operation: string,
    name: string,
    fn: () => Promise<unknown>,
  ) {
    await orUndefined(ctx, kind, operation, name, fn);
  }

  return {
    getModel,
    async createModel(spec: ModelSpec): Promise<ModelState> {
      await attempt(ctx, 'sagemaker', 'CreateModel', `model "${spec.name}"`, () =>
        sm.send(new CreateModelCommand(toCreateModelInput(spec))),
      );
      return readBack(`model "${spec.name}"`, 'DescribeModel', () => getModel(spec.name));
    },
    async deleteModel(name: string): Promise<void> {
      await deleteIgnoringMissing('model', 'DeleteModel', name, () =>
        sm.send(new DeleteModelCommand({ ModelName: name })),
      );
    },
    async listModels(prefix: string): Promise<string[]> {
      const models = await attempt(ctx, 'sagemaker', 'ListModels', `models starting with "${prefix}"`, () =>
        allPages(
          (NextToken) =>
            sm.send(new ListModelsCommand({ NameContains: prefix || undefined, NextToken, MaxResults: 100 })),
          (p) => p.Models,
          (p) => p.NextToken,
        ),
      );
      return byPrefix(
        models.map((m) => m.ModelName),
        prefix,
      );
    },

    getEndpointConfig,
    async createEndpointConfig(spec: EndpointConfigSpec): Promise<EndpointConfigState> {
      await attempt(ctx, 'sagemaker', 'CreateEndpointConfig', `endpoint configuration "${spec.name}"`, () =>
        sm.send(new CreateEndpointConfigCommand(toCreateEndpointConfigInput(spec))),
      );
      return readBack(`endpoint configuration "${spec.name}"`, 'DescribeEndpointConfig', () =>
        getEndpointConfig(spec.name),
      );
    },
    async deleteEndpointConfig(name: string): Promise<void> {
      await deleteIgnoringMissing('endpoint configuration', 'DeleteEndpointConfig', name, () =>
        sm.send(new DeleteEndpointConfigCommand({ EndpointConfigName: name })),
      );
    },
    async listEndpointConfigs(prefix: string): Promise<string[]> {
      const configs = await attempt(
        ctx,
        'sagemaker',
        'ListEndpointConfigs',
        `endpoint configurations starting with "${prefix}"`,
        () =>
          allPages(
            (NextToken) =>
              sm.send(
                new ListEndpointConfigsCommand({
                  NameContains: prefix || undefined,
                  NextToken,
                  MaxResults: 100,
                }),
              ),
            (p) => p.EndpointConfigs,
            (p) => p.NextToken,
          ),
      );
      return byPrefix(
        configs.map((c) => c.EndpointConfigName),
        prefix,
      );
    },

    getEndpoint,
    async listEndpoints(): Promise<EndpointSummary[]> {
      const endpoints = await attempt(ctx, 'sagemaker', 'ListEndpoints', 'all endpoints', () =>
        allPages(
          (NextToken) => sm.send(new ListEndpointsCommand({ NextToken, MaxResults: 100 })),
          (p) => p.Endpoints,
          (p) => p.NextToken,
        ),
      );
      return endpoints.map((e) => ({
        name: e.EndpointName ?? '',
        arn: e.EndpointArn ?? '',
        status: toEndpointStatus(e.EndpointStatus),
      }));
    },
    async createEndpoint(name: string, configName: string, tags: Tags): Promise<EndpointState> {
      await attempt(ctx, 'sagemaker', 'CreateEndpoint', `endpoint "${name}" (config "${configName}")`, () =>
        sm.send(
          new CreateEndpointCommand({
            EndpointName: name,
            EndpointConfigName: configName,
            Tags: toTagList(tags),
          }),
        ),
      );
      return readBack(`endpoint "${name}"`, 'DescribeEndpoint', () => getEndpoint(name));
    },
    async updateEndpoint(name: string, configName: string): Promise<void> {
      await attempt(
        ctx,
        'sagemaker',
        'UpdateEndpoint',
        `endpoint "${name}" (to config "${configName}")`,
        () => sm.send(new UpdateEndpointCommand({ EndpointName: name, EndpointConfigName: configName })),
      );
    },
    async deleteEndpoint(name: string): Promise<void> {
      await deleteIgnoringMissing('endpoint', 'DeleteEndpoint', name, () =>
        sm.send(new DeleteEndpointCommand({ EndpointName: name })),
      );
    },
    async setDesiredInstanceCount(endpointName: string, variantName: string, count: number): Promise<void> {
      await attempt(
        ctx,
        'sagemaker',
        'UpdateEndpointWeightsAndCapacities',
        `endpoint "${endpointName}" variant "${variantName}" (desired count ${count})`,
        () =>
          sm.send(
            new UpdateEndpointWeightsAndCapacitiesCommand({
              EndpointName: endpointName,
              DesiredWeightsAndCapacities: [{ VariantName: variantName, DesiredInstanceCount: count }],
            }),
          ),
      );
    },
  };
}
