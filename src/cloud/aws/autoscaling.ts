// Application Auto Scaling for SageMaker variants (instances) and inference components (copies):
// scalable targets, policies, scheduled actions, and the scaling-activity history. The scalable
// dimension follows from the resource id (scalableDimensionOf).
import {
  DeleteScalingPolicyCommand,
  DeleteScheduledActionCommand,
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
  DescribeScalingActivitiesCommand,
  DescribeScalingPoliciesCommand,
  DescribeScheduledActionsCommand,
  ListTagsForResourceCommand,
  PutScalingPolicyCommand,
  PutScheduledActionCommand,
  RegisterScalableTargetCommand,
  TagResourceCommand,
  type ScalingActivity as SdkScalingActivity,
} from '@aws-sdk/client-application-auto-scaling';
import { CloudError, scalableDimensionOf } from '../types.js';
import type {
  ScalableResourceId,
  ScalableTargetSpec,
  ScalableTargetState,
  ScalingActivity,
  ScalingPolicySpec,
  ScalingPolicyState,
  ScheduledActionSpec,
  ScheduledActionState,
  Tags,
} from '../types.js';
import {
  SERVICE_NAMESPACE,
  fromScalableTarget,
  fromScalingActivity,
  fromScalingPolicy,
  fromScheduledAction,
  toPutScalingPolicyInput,
  toPutScheduledActionInput,
} from './autoscaling-mappers.js';
import { allPages, attempt, failure, type AwsContext } from './call.js';
import { isAutoScalingNotFound, isUnsupportedByEmulator } from './errors.js';
import { toTagMap } from './tags.js';

const SERVICE = 'application-autoscaling';

export function autoScalingOps(ctx: AwsContext) {
  const aas = ctx.clients.autoscaling;
  const target = (resourceId: ScalableResourceId) =>
    ({ ServiceNamespace: SERVICE_NAMESPACE, ScalableDimension: scalableDimensionOf(resourceId) }) as const;
  /**
   * Operations the configured emulator turned out not to implement (moto 5 has no tag operations
   * and no DescribeScalingActivities for Application Auto Scaling). Remembered so the cost of
   * discovering it (one call and its retries) is paid once per process, not on every poll.
   */
  const unsupported = new Set<string>();

  /**
   * Runs an optional, read-mostly call; against an emulator lacking it, answers `fallback` instead of
   * failing. Against real AWS every failure is reported as usual.
   */
  async function optional<T>(
    operation: string,
    resource: string,
    fallback: T,
    fn: () => Promise<T>,
  ): Promise<T> {
    if (unsupported.has(operation)) return fallback;
    try {
      return await fn();
    } catch (e) {
      if (isUnsupportedByEmulator(e, ctx.customEndpoint(SERVICE))) {
        unsupported.add(operation);
        return fallback;
      }
      throw failure(ctx, SERVICE, operation, resource, e);
    }
  }

  async function ignoringMissing(
    operation: string,
    resource: string,
    fn: () => Promise<unknown>,
  ): Promise<void> {
    try {
      await fn();
    } catch (e) {
      if (isAutoScalingNotFound(e)) return;
      throw failure(ctx, SERVICE, operation, resource, e);
    }
  }

  async function tagsOf(arn: string | undefined, resource: string): Promise<Tags> {
    if (!arn) return {};
    return optional('ListTagsForResource', resource, {}, async () => {
      const out = await aas.send(new ListTagsForResourceCommand({ ResourceARN: arn }));
      return { ...(out.Tags ?? {}) };
    });
  }

  return {
    async getScalableTarget(resourceId: ScalableResourceId): Promise<ScalableTargetState | undefined> {
      const resource = `scalable target "${resourceId}"`;
      const out = await attempt(ctx, SERVICE, 'DescribeScalableTargets', resource, () =>
        aas.send(new DescribeScalableTargetsCommand({ ...target(resourceId), ResourceIds: [resourceId] })),
      );
      const found = out.ScalableTargets?.find((t) => t.ResourceId === resourceId);
      if (!found) return undefined;
      return fromScalableTarget(found, await tagsOf(found.ScalableTargetARN, resource));
    },

    async registerScalableTarget(spec: ScalableTargetSpec): Promise<void> {
      const resource = `scalable target "${spec.resourceId}"`;
      const tags = toTagMap(spec.tags);
      const out = await attempt(ctx, SERVICE, 'RegisterScalableTarget', resource, () =>
        aas.send(
          new RegisterScalableTargetCommand({
            ...target(spec.resourceId),
            ResourceId: spec.resourceId,
            MinCapacity: spec.minCapacity,
            MaxCapacity: spec.maxCapacity,
            Tags: tags,
          }),
        ),
      );
      // Register applies Tags only when it creates the target; re-registering an existing one ignores
      // them, so they are (re)applied explicitly.
      const arn = out.ScalableTargetARN;
      if (tags && arn) {
        await optional('TagResource', resource, undefined, async () => {
          await aas.send(new TagResourceCommand({ ResourceARN: arn, Tags: tags }));
        });
      }
    },

    async deregisterScalableTarget(resourceId: ScalableResourceId): Promise<void> {
      await ignoringMissing('DeregisterScalableTarget', `scalable target "${resourceId}"`, () =>
        aas.send(new DeregisterScalableTargetCommand({ ...target(resourceId), ResourceId: resourceId })),
      );
    },

    async listScalingPolicies(resourceId: ScalableResourceId): Promise<ScalingPolicyState[]> {
      const policies = await attempt(
        ctx,
        SERVICE,
        'DescribeScalingPolicies',
        `policies of "${resourceId}"`,
        () =>
          allPages(
            (NextToken) =>
              aas.send(
                new DescribeScalingPoliciesCommand({
                  ...target(resourceId),
                  ResourceId: resourceId,
                  NextToken,
                }),
              ),
            (p) => p.ScalingPolicies,
            (p) => p.NextToken,
          ),
      );
      return policies
        .filter((p) => p.ResourceId === resourceId)
        .map(fromScalingPolicy)
        .filter((p): p is ScalingPolicyState => p !== undefined);
    },

    async putScalingPolicy(spec: ScalingPolicySpec): Promise<string> {
      const resource = `policy "${spec.policyName}" on "${spec.resourceId}"`;
      const out = await attempt(ctx, SERVICE, 'PutScalingPolicy', resource, () =>
        aas.send(new PutScalingPolicyCommand(toPutScalingPolicyInput(spec))),
      );
      if (!out.PolicyARN) {
        throw new CloudError(
          `PutScalingPolicy for ${resource} returned no policy ARN`,
          'MissingPolicyArn',
          false,
        );
      }
      return out.PolicyARN;
    },

    async deleteScalingPolicy(resourceId: ScalableResourceId, policyName: string): Promise<void> {
      await ignoringMissing('DeleteScalingPolicy', `policy "${policyName}" on "${resourceId}"`, () =>
        aas.send(
          new DeleteScalingPolicyCommand({
            ...target(resourceId),
            ResourceId: resourceId,
            PolicyName: policyName,
          }),
        ),
      );
    },

    async listScheduledActions(resourceId: ScalableResourceId): Promise<ScheduledActionState[]> {
      const actions = await attempt(
        ctx,
        SERVICE,
        'DescribeScheduledActions',
        `scheduled actions of "${resourceId}"`,
        () =>
          allPages(
            (NextToken) =>
              aas.send(
                new DescribeScheduledActionsCommand({
                  ...target(resourceId),
                  ResourceId: resourceId,
                  NextToken,
                }),
              ),
            (p) => p.ScheduledActions,
            (p) => p.NextToken,
          ),
      );
      return actions.filter((a) => a.ResourceId === resourceId).map(fromScheduledAction);
    },

    async putScheduledAction(spec: ScheduledActionSpec): Promise<void> {
      await attempt(
        ctx,
        SERVICE,
        'PutScheduledAction',
        `scheduled action "${spec.name}" on "${spec.resourceId}"`,
        () => aas.send(new PutScheduledActionCommand(toPutScheduledActionInput(spec))),
      );
    },

    async deleteScheduledAction(resourceId: ScalableResourceId, name: string): Promise<void> {
      await ignoringMissing('DeleteScheduledAction', `scheduled action "${name}" on "${resourceId}"`, () =>
        aas.send(
          new DeleteScheduledActionCommand({
            ...target(resourceId),
            ResourceId: resourceId,
            ScheduledActionName: name,
          }),
        ),
      );
    },

    /** Pages newest-first and stops at the first page that reaches back past `since`. */
    listScalingActivities(resourceId: ScalableResourceId, since: number): Promise<ScalingActivity[]> {
      return pagedActivities(`scaling activities of "${resourceId}"`, resourceId, since);
    },

    listAllScalingActivities(since: number): Promise<ScalingActivity[]> {
      return pagedActivities('scaling activities of the sagemaker namespace', undefined, since);
    },
  };

  function pagedActivities(
    resource: string,
    resourceId: ScalableResourceId | undefined,
    since: number,
  ): Promise<ScalingActivity[]> {
    return optional('DescribeScalingActivities', resource, [], async () => {
      const out: ScalingActivity[] = [];
      let token: string | undefined;
      for (;;) {
        const page = await aas.send(
          new DescribeScalingActivitiesCommand({
            // Without a resource id no dimension may be given (AWS requires both or neither), which
            // is what makes one call return variants' and inference components' activities alike.
            ...(resourceId !== undefined
              ? { ...target(resourceId), ResourceId: resourceId }
              : { ServiceNamespace: SERVICE_NAMESPACE }),
            NextToken: token,
          }),
        );
        const activities: SdkScalingActivity[] = page.ScalingActivities ?? [];
        let reachedSince = false;
        for (const a of activities) {
          const mapped = fromScalingActivity(a);
          if (mapped.startTime < since) {
            reachedSince = true;
            continue;
          }
          out.push(mapped);
        }
        if (reachedSince || !page.NextToken || page.NextToken === token) return out;
        token = page.NextToken;
      }
    });
  }
}
