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
  type ProductionVariant,
} from '@aws-sdk/client-sagemaker';
import { describeOwner, isOwned, TAG_ENDPOINT, TAG_MANAGED_BY, TAG_PROJECT } from '../../ownership.js';
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
import { errorCode, isSageMakerNotFound } from './errors.js';
import { scaleToZeroRefusal } from './realtime-errors.js';
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

export async function listTags(ctx: AwsContext, arn: string, what: string): Promise<Tags> {
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

/**
 * AWS's answer to a create of a name that exists: `ValidationException: Cannot create already existing
 * model "arn:..."` (endpoint configuration, endpoint alike).
 */
export function isAlreadyExisting(e: unknown): boolean {
  const code = errorCode(e);
  const message = typeof e === 'object' && e !== null ? String((e as { message?: unknown }).message) : '';
  return (code === 'ValidationException' || code === 'ResourceInUse') && /already exist/i.test(message);
}

/** Why `existing` tags do not make the resource this project's and endpoint's, or undefined when they do. */
export function notOurs(existing: Tags, wanted: Tags): string | undefined {
  const project = wanted[TAG_PROJECT];
  const endpoint = wanted[TAG_ENDPOINT];
  // A create without ownership tags (never sagezero's own) cannot prove anything: nothing is adopted.
  if (wanted[TAG_MANAGED_BY] !== 'sagezero' || project === undefined || endpoint === undefined)
    return 'the create carried no sagezero ownership tags to compare with';
  if (isOwned(existing, project, endpoint)) return undefined;
  if (isOwned(existing, project))
    return `it is sagezero's for endpoint "${existing[TAG_ENDPOINT] ?? '?'}" of project "${project}", not "${endpoint}"`;
  if (existing[TAG_MANAGED_BY] !== 'sagezero') return describeOwner(existing);
  return `${describeOwner(existing)}, not "${project}"`;
}

/** Structural equality that, like AWS's answers, treats absent, undefined and empty alike. */
function sameContent(a: unknown, b: unknown): boolean {
  const norm = (v: unknown): unknown => {
    if (v === null || v === undefined) return undefined;
    if (Array.isArray(v)) return v.length === 0 ? undefined : v.map(norm);
    if (typeof v !== 'object') return v;
    const entries = Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => [k, norm(x)] as const)
      .filter(([, x]) => x !== undefined)
      .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    return entries.length === 0 ? undefined : entries;
  };
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
}

/** Fields whose wire form differs (the form sagezero sends, so defaults compare as sent). */
export function differing(fields: Record<string, [unknown, unknown]>): string[] {
  return Object.entries(fields)
    .filter(([, [a, b]]) => !sameContent(a, b))
    .map(([f]) => f);
}

function modelDifferences(want: ModelSpec, have: ModelState): string[] {
  const [a, b] = [want, have].map((m) => toCreateModelInput({ ...m, name: '', tags: {} }));
  const c = [a?.PrimaryContainer, b?.PrimaryContainer];
  return differing({
    image: [c[0]?.Image, c[1]?.Image],
    'model data': [
      [c[0]?.ModelDataUrl, c[0]?.ModelDataSource],
      [c[1]?.ModelDataUrl, c[1]?.ModelDataSource],
    ],
    environment: [c[0]?.Environment, c[1]?.Environment],
    'execution role': [a?.ExecutionRoleArn, b?.ExecutionRoleArn],
  });
}

export function endpointConfigDifferences(want: EndpointConfigSpec, have: EndpointConfigState): string[] {
  const [a, b] = [want, have].map((c) => toCreateEndpointConfigInput({ ...c, name: '', tags: {} }));
  return differing({
    'production variant': [
      withScaleInDefaults(a?.ProductionVariants),
      withScaleInDefaults(b?.ProductionVariants),
    ],
    'async inference config': [a?.AsyncInferenceConfig, b?.AsyncInferenceConfig],
    'execution role': [a?.ExecutionRoleArn, b?.ExecutionRoleArn],
  });
}

/**
 * A scale-in policy sent without cooldown or step size and read back with AWS's defaults filled in
 * (CooldownInMinutes 20, MaximumStepSize 1, ProductionVariantManagedInstanceScalingScaleInPolicy) is
 * the same policy.
 */
function withScaleInDefaults(variants: ProductionVariant[] | undefined): ProductionVariant[] | undefined {
  return variants?.map((v) => {
    const policy = v.ManagedInstanceScaling?.ScaleInPolicy;
    if (!policy) return v;
    return {
      ...v,
      ManagedInstanceScaling: {
        ...v.ManagedInstanceScaling,
        ScaleInPolicy: {
          ...policy,
          CooldownInMinutes: policy.CooldownInMinutes ?? 20,
          MaximumStepSize: policy.MaximumStepSize ?? 1,
        },
      },
    };
  });
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

  /**
   * Creates, or adopts what a lost answer left behind. When a create's response is lost (a reset
   * connection), the SDK retries it and AWS answers "Cannot create already existing ..."; a rerun after a
   * killed apply meets the same. What exists is taken as this create's result only when it carries the
   * ownership tags the create asked for (sagezero, this project, this endpoint) and is the same resource:
   * for models and endpoint configs, whose names are hashes of their content, the same content; for an
   * endpoint, the same endpoint config. Otherwise the error says what is there and why it is not used
   * (and never reads as "already exists", so no caller mistakes it for a harmless retry).
   */
  async function createOrAdopt<S extends { tags: Tags }>(c: {
    kind: Kind;
    operation: string;
    name: string;
    resource: string;
    tags: Tags;
    create: () => Promise<unknown>;
    describeOperation: string;
    read: () => Promise<S | undefined>;
    differences: (existing: S) => string[];
  }): Promise<S> {
    try {
      await c.create();
    } catch (e) {
      if (!isAlreadyExisting(e)) throw failure(ctx, 'sagemaker', c.operation, c.resource, e);
      const existing = await c.read();
      // Gone again in between (deleted by someone): the create's own answer is the truth.
      if (!existing) throw failure(ctx, 'sagemaker', c.operation, c.resource, e);
      const foreign = notOurs(existing.tags, c.tags);
      const changed = foreign ? [] : c.differences(existing);
      if (!foreign && changed.length === 0) return existing;
      const why = foreign ?? `it has this project's tags but a different ${changed.join(', ')}`;
      throw new CloudError(
        `SageMaker ${c.operation} for ${c.resource}: ${c.kind === 'model' ? 'a' : 'an'} ${c.kind} named "${c.name}" exists and sagezero will not adopt it: ${why}. Delete or rename it, or rename the endpoint in the config`,
        'ResourceExists',
        false,
        c.operation,
      );
    }
    return readBack(`${c.kind} "${c.name}"`, c.describeOperation, c.read);
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
      return createOrAdopt({
        kind: 'model',
        operation: 'CreateModel',
        name: spec.name,
        resource: `model "${spec.name}"`,
        tags: spec.tags,
        create: () => sm.send(new CreateModelCommand(toCreateModelInput(spec))),
        describeOperation: 'DescribeModel',
        read: () => getModel(spec.name),
        differences: (existing) => modelDifferences(spec, existing),
      });
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
      return createOrAdopt({
        kind: 'endpoint configuration',
        operation: 'CreateEndpointConfig',
        name: spec.name,
        resource: `endpoint configuration "${spec.name}"`,
        tags: spec.tags,
        create: async () => {
          try {
            return await sm.send(new CreateEndpointConfigCommand(toCreateEndpointConfigInput(spec)));
          } catch (e) {
            throw scaleToZeroRefusal(e, spec, ctx.region, ctx.secrets) ?? e;
          }
        },
        describeOperation: 'DescribeEndpointConfig',
        read: () => getEndpointConfig(spec.name),
        differences: (existing) => endpointConfigDifferences(spec, existing),
      });
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
      return createOrAdopt({
        kind: 'endpoint',
        operation: 'CreateEndpoint',
        name,
        resource: `endpoint "${name}" (config "${configName}")`,
        tags,
        create: () =>
          sm.send(
            new CreateEndpointCommand({
              EndpointName: name,
              EndpointConfigName: configName,
              Tags: toTagList(tags),
            }),
          ),
        describeOperation: 'DescribeEndpoint',
        read: () => getEndpoint(name),
        differences: (existing) =>
          existing.configName === configName ? [] : [`endpoint config ("${existing.configName}")`],
      });
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
