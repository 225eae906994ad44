// Inference components (the models of a real-time endpoint that scales to zero) and synchronous
// InvokeEndpoint. Same rules as sagemaker.ts: "not found" is undefined, deletes of something gone
// succeed, and a create whose answer was lost adopts what it made.
import {
  CreateInferenceComponentCommand,
  DeleteInferenceComponentCommand,
  DescribeInferenceComponentCommand,
  ListInferenceComponentsCommand,
  UpdateInferenceComponentCommand,
} from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand } from '@aws-sdk/client-sagemaker-runtime';
import {
  CloudError,
  type InferenceComponentSpec,
  type InferenceComponentState,
  type InferenceComponentSummary,
  type InferenceComponentUpdate,
  type RealtimeInvocation,
  type RealtimeInvocationResult,
} from '../types.js';
import { allPages, attempt, failure, type AwsContext } from './call.js';
import { isSageMakerNotFound } from './errors.js';
import {
  fromDescribeInferenceComponent,
  fromInferenceComponentSummary,
  toCreateInferenceComponentInput,
  toUpdateInferenceComponentInput,
} from './inference-component-mappers.js';
import { isNoCapacity, noCapacityError } from './realtime-errors.js';
import { differing, isAlreadyExisting, listTags, notOurs } from './sagemaker.js';

/** What makes an existing component the one a create asked for (the copy count is scaling's). */
function componentDifferences(want: InferenceComponentSpec, have: InferenceComponentState): string[] {
  return differing({
    endpoint: [want.endpointName, have.endpointName],
    variant: [want.variantName, have.variantName],
    model: [want.modelName, have.modelName],
    'accelerators per copy': [want.acceleratorsPerCopy, have.acceleratorsPerCopy],
    'memory per copy': [want.memoryMbPerCopy, have.memoryMbPerCopy],
    'CPU cores per copy': [want.cpuCoresPerCopy, have.cpuCoresPerCopy],
  });
}

export function inferenceComponentOps(ctx: AwsContext) {
  const sm = ctx.clients.sagemaker;
  const rt = ctx.clients.runtime;
  const what = (name: string) => `inference component "${name}"`;

  async function getInferenceComponent(name: string): Promise<InferenceComponentState | undefined> {
    let out;
    try {
      out = await sm.send(new DescribeInferenceComponentCommand({ InferenceComponentName: name }));
    } catch (e) {
      if (isSageMakerNotFound(e, 'inference component')) return undefined;
      throw failure(ctx, 'sagemaker', 'DescribeInferenceComponent', what(name), e);
    }
    if (!out.InferenceComponentArn) {
      throw new CloudError(
        `SageMaker DescribeInferenceComponent for ${what(name)} returned no InferenceComponentArn; sagezero does not act on an incomplete answer (MalformedResponse)`,
        'MalformedResponse',
        false,
        'DescribeInferenceComponent',
      );
    }
    return fromDescribeInferenceComponent(out, await listTags(ctx, out.InferenceComponentArn, what(name)));
  }

  return {
    getInferenceComponent,

    /**
     * A lost answer retried by the SDK (or a rerun after a killed apply) meets "Cannot create already
     * existing inference component": what exists is taken as this create's result only when it has the
     * ownership tags asked for and the same endpoint, model and sizes.
     */
    async createInferenceComponent(spec: InferenceComponentSpec): Promise<InferenceComponentState> {
      const resource = `${what(spec.name)} on endpoint "${spec.endpointName}"`;
      try {
        await sm.send(new CreateInferenceComponentCommand(toCreateInferenceComponentInput(spec)));
      } catch (e) {
        if (!isAlreadyExisting(e)) throw failure(ctx, 'sagemaker', 'CreateInferenceComponent', resource, e);
        const existing = await getInferenceComponent(spec.name);
        if (!existing) throw failure(ctx, 'sagemaker', 'CreateInferenceComponent', resource, e);
        const foreign = notOurs(existing.tags, spec.tags);
        const changed = foreign ? [] : componentDifferences(spec, existing);
        if (!foreign && changed.length === 0) return existing;
        const why = foreign ?? `it has this project's tags but a different ${changed.join(', ')}`;
        throw new CloudError(
          `SageMaker CreateInferenceComponent for ${resource}: an inference component named "${spec.name}" exists and sagezero will not adopt it: ${why}. Delete or rename it, or rename the component in the config`,
          'ResourceExists',
          false,
          'CreateInferenceComponent',
        );
      }
      const state = await getInferenceComponent(spec.name);
      if (!state) {
        throw new CloudError(
          `SageMaker created ${what(spec.name)} but DescribeInferenceComponent cannot find it`,
          'NotFoundAfterCreate',
          true,
          'DescribeInferenceComponent',
        );
      }
      return state;
    },

    async updateInferenceComponent(name: string, update: InferenceComponentUpdate): Promise<void> {
      await attempt(
        ctx,
        'sagemaker',
        'UpdateInferenceComponent',
        `${what(name)} (to model "${update.modelName}")`,
        () => sm.send(new UpdateInferenceComponentCommand(toUpdateInferenceComponentInput(name, update))),
      );
    },

    async deleteInferenceComponent(name: string): Promise<void> {
      try {
        await sm.send(new DeleteInferenceComponentCommand({ InferenceComponentName: name }));
      } catch (e) {
        if (isSageMakerNotFound(e, 'inference component')) return;
        throw failure(ctx, 'sagemaker', 'DeleteInferenceComponent', what(name), e);
      }
    },

    async listInferenceComponents(endpointName?: string): Promise<InferenceComponentSummary[]> {
      const resource =
        endpointName === undefined
          ? 'all inference components'
          : `inference components of endpoint "${endpointName}"`;
      const items = await attempt(ctx, 'sagemaker', 'ListInferenceComponents', resource, () =>
        allPages(
          (NextToken) =>
            sm.send(
              new ListInferenceComponentsCommand({
                EndpointNameEquals: endpointName,
                NextToken,
                MaxResults: 100,
              }),
            ),
          (p) => p.InferenceComponents,
          (p) => p.NextToken,
        ),
      );
      // EndpointNameEquals is exact on AWS; filtering again keeps an emulator that ignores it honest.
      return items
        .map(fromInferenceComponentSummary)
        .filter((c) => endpointName === undefined || c.endpointName === endpointName)
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    },

    async invokeEndpoint(request: RealtimeInvocation): Promise<RealtimeInvocationResult> {
      const resource = request.inferenceComponentName
        ? `endpoint "${request.endpointName}" (inference component "${request.inferenceComponentName}")`
        : `endpoint "${request.endpointName}"`;
      let out;
      try {
        out = await rt.send(
          new InvokeEndpointCommand({
            EndpointName: request.endpointName,
            InferenceComponentName: request.inferenceComponentName,
            Body: request.body,
            ContentType: request.contentType,
          }),
        );
      } catch (e) {
        if (isNoCapacity(e))
          throw noCapacityError(request.endpointName, request.inferenceComponentName, e, ctx.secrets);
        throw failure(ctx, 'sagemaker-runtime', 'InvokeEndpoint', resource, e);
      }
      const result: RealtimeInvocationResult = { body: new Uint8Array(out.Body ?? new Uint8Array()) };
      if (out.ContentType) result.contentType = out.ContentType;
      return result;
    },
  };
}
