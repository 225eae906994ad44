// Tagging an existing resource by its ARN (`apply --adopt`): each service has its own call and its own
// tag shape, and the ARN's service field says which one applies.
import { TagResourceCommand as AasTagResourceCommand } from '@aws-sdk/client-application-auto-scaling';
import { TagResourceCommand as CwTagResourceCommand } from '@aws-sdk/client-cloudwatch';
import { AddTagsCommand } from '@aws-sdk/client-sagemaker';
import { CloudError, type Tags } from '../types.js';
import { attempt, type AwsContext } from './call.js';
import { toTagList, toTagMap } from './tags.js';

/** `arn:partition:service:region:account:resource`: the service field. */
function serviceOf(arn: string): string | undefined {
  const parts = arn.split(':');
  return parts[0] === 'arn' && parts.length >= 6 ? parts[2] : undefined;
}

export function taggingOps(ctx: AwsContext): { tagResource(arn: string, tags: Tags): Promise<void> } {
  return {
    async tagResource(arn: string, tags: Tags): Promise<void> {
      const resource = `"${arn}"`;
      const service = serviceOf(arn);
      if (service === 'sagemaker') {
        await attempt(ctx, 'sagemaker', 'AddTags', resource, () =>
          ctx.clients.sagemaker.send(new AddTagsCommand({ ResourceArn: arn, Tags: toTagList(tags) ?? [] })),
        );
      } else if (service === 'application-autoscaling') {
        await attempt(ctx, 'application-autoscaling', 'TagResource', resource, () =>
          ctx.clients.autoscaling.send(
            new AasTagResourceCommand({ ResourceARN: arn, Tags: toTagMap(tags) ?? {} }),
          ),
        );
      } else if (service === 'cloudwatch') {
        await attempt(ctx, 'cloudwatch', 'TagResource', resource, () =>
          ctx.clients.cloudwatch.send(
            new CwTagResourceCommand({ ResourceARN: arn, Tags: toTagList(tags) ?? [] }),
          ),
        );
      } else {
        throw new CloudError(
          `cannot tag ${arn}: only SageMaker, Application Auto Scaling and CloudWatch ARNs are supported`,
          'InvalidArn',
          false,
          'TagResource',
        );
      }
    },
  };
}
