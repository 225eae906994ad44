// What IAM authorizes for a request on the wire: the action, the resource ARNs and the condition keys
// AWS would put in the request context, derived from the recorded HTTP request the way each service
// does it (SageMaker lower-cases names in ARNs; tag-on-create also needs AddTags / TagResource).
// Plus the side requirements AWS documents for calls made on the caller's behalf: CreateModel passes
// the execution role; RegisterScalableTarget may create the service-linked role and needs SageMaker
// read/update rights on the endpoint; target-tracking policies make Application Auto Scaling manage
// CloudWatch alarms with the caller's permissions.
import type { AuthzRequest } from '../../src/iam/evaluate.js';
import type { ProxiedRequest } from '../support/fault-proxy.js';

export interface Scope {
  partition: string;
  region: string;
  accountId: string;
}

export interface DerivedRequest extends AuthzRequest {
  /** Where it came from: the wire request, or a documented requirement of it. */
  source: 'wire' | 'documented';
  seq: number;
}

type Body = Record<string, unknown>;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function json(req: ProxiedRequest): Body {
  try {
    return JSON.parse(req.body.toString('utf8') || '{}') as Body;
  } catch {
    return {};
  }
}

function tagContext(tags: unknown): Record<string, string> {
  const ctx: Record<string, string> = {};
  if (Array.isArray(tags)) {
    for (const t of tags as { Key?: string; Value?: string }[])
      if (t.Key) ctx[`aws:RequestTag/${t.Key}`] = t.Value ?? '';
  } else if (tags && typeof tags === 'object') {
    for (const [k, v] of Object.entries(tags)) ctx[`aws:RequestTag/${k}`] = String(v);
  }
  return ctx;
}

export function derive(req: ProxiedRequest, scope: Scope): DerivedRequest[] {
  const out: DerivedRequest[] = [];
  const add = (
    action: string,
    resources: string[],
    context?: Record<string, string>,
    source: DerivedRequest['source'] = 'wire',
  ): void => {
    out.push({ action, resources, ...(context ? { context } : {}), source, seq: req.seq });
  };
  const sm = (type: string, name: string): string =>
    `arn:${scope.partition}:sagemaker:${scope.region}:${scope.accountId}:${type}/${name.toLowerCase()}`;
  const alarm = (name: string): string =>
    `arn:${scope.partition}:cloudwatch:${scope.region}:${scope.accountId}:alarm:${name}`;
  const op = req.operation;

  switch (req.service) {
    case 'sagemaker': {
      const b = json(req);
      const action = `sagemaker:${op}`;
      if (op.startsWith('List') && op !== 'ListTags') return (add(action, ['*']), out);
      if (op === 'ListTags') return (add(action, [str(b.ResourceArn).toLowerCase()]), out);
      const model = str(b.ModelName);
      const config = str(b.EndpointConfigName);
      const endpoint = str(b.EndpointName);
      const component = str(b.InferenceComponentName);
      const resources = [
        // An inference component call names its component first (tag-on-create tags the component).
        ...(component ? [sm('inference-component', component)] : []),
        ...(endpoint ? [sm('endpoint', endpoint)] : []),
        ...(config ? [sm('endpoint-config', config)] : []),
        ...(model && !endpoint && !config ? [sm('model', model)] : []),
      ];
      const tags = tagContext(b.Tags);
      const tagged = Object.keys(tags).length > 0;
      add(action, resources, tagged ? tags : undefined);
      if (op.startsWith('Create') && tagged) {
        // Tag-on-create is authorized as AddTags on the new resource as well.
        add('sagemaker:AddTags', resources.slice(0, 1), tags, 'documented');
      }
      if (op === 'CreateModel' || (op === 'CreateEndpointConfig' && str(b.ExecutionRoleArn))) {
        add(
          'iam:PassRole',
          [str(b.ExecutionRoleArn)],
          { 'iam:PassedToService': 'sagemaker.amazonaws.com' },
          'documented',
        );
      }
      return out;
    }
    case 'sagemaker-runtime': {
      const name = decodeURIComponent(/^\/endpoints\/([^/]+)\//.exec(req.path)?.[1] ?? '');
      const component = req.headers['x-amzn-sagemaker-inference-component'];
      add(`sagemaker:${op}`, [
        sm('endpoint', name),
        ...(component ? [sm('inference-component', component)] : []),
      ]);
      return out;
    }
    case 'application-autoscaling': {
      const b = json(req);
      const action = `application-autoscaling:${op}`;
      if (op === 'TagResource' || op === 'ListTagsForResource' || op === 'UntagResource') {
        add(action, [str(b.ResourceARN)]);
        return out;
      }
      if (op.startsWith('Describe')) return (add(action, ['*']), out);
      add(action, ['*'], {
        'application-autoscaling:service-namespace': str(b.ServiceNamespace),
        'application-autoscaling:scalable-dimension': str(b.ScalableDimension),
      });
      const resourceId = str(b.ResourceId);
      const endpoint = /^endpoint\/([^/]+)\/variant\//.exec(resourceId)?.[1];
      const component = /^inference-component\/(.+)$/.exec(resourceId)?.[1];
      if (op === 'RegisterScalableTarget' && (endpoint || component)) {
        const principal = 'sagemaker.application-autoscaling.amazonaws.com';
        add(
          'iam:CreateServiceLinkedRole',
          [
            `arn:${scope.partition}:iam::${scope.accountId}:role/aws-service-role/${principal}/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint`,
          ],
          { 'iam:AWSServiceName': principal },
          'documented',
        );
        if (endpoint) {
          for (const a of ['sagemaker:DescribeEndpoint', 'sagemaker:UpdateEndpointWeightsAndCapacities']) {
            add(a, [sm('endpoint', endpoint)], undefined, 'documented');
          }
        }
        if (component) {
          for (const a of [
            'sagemaker:DescribeInferenceComponent',
            'sagemaker:UpdateInferenceComponentRuntimeConfig',
          ]) {
            add(a, [sm('inference-component', component)], undefined, 'documented');
          }
        }
      }
      const targetTracking = op === 'PutScalingPolicy' && str(b.PolicyType) === 'TargetTrackingScaling';
      const removesPolicies = op === 'DeleteScalingPolicy' || op === 'DeregisterScalableTarget';
      if (targetTracking || removesPolicies) {
        const ttAlarms = alarm(`TargetTracking-${resourceId}-AlarmHigh-00000000-0000-0000-0000-000000000000`);
        add('cloudwatch:DescribeAlarms', ['*'], undefined, 'documented');
        add(
          targetTracking ? 'cloudwatch:PutMetricAlarm' : 'cloudwatch:DeleteAlarms',
          [ttAlarms],
          undefined,
          'documented',
        );
      }
      return out;
    }
    case 'cloudwatch': {
      const b = json(req);
      const action = `cloudwatch:${op}`;
      if (op === 'PutMetricAlarm') {
        const tags = tagContext(b.Tags);
        add(action, [alarm(str(b.AlarmName))], tags);
        if (Object.keys(tags).length > 0)
          add('cloudwatch:TagResource', [alarm(str(b.AlarmName))], tags, 'documented');
      } else if (op === 'DeleteAlarms') {
        add(action, (Array.isArray(b.AlarmNames) ? (b.AlarmNames as string[]) : []).map(alarm));
      } else if (op === 'TagResource' || op === 'ListTagsForResource' || op === 'UntagResource') {
        add(action, [str(b.ResourceARN)]);
      } else {
        add(action, ['*']);
      }
      return out;
    }
    case 's3': {
      const [, bucket = '', key = ''] = /^\/([^/?]+)\/?([^?]*)/.exec(req.path) ?? [];
      const bucketArn = `arn:${scope.partition}:s3:::${bucket}`;
      add(`s3:${op}`, [key ? `${bucketArn}/${decodeURIComponent(key)}` : bucketArn]);
      if (op === 'GetObject') {
        // sagezero reads "no such key" as "no result yet", which S3 only says to callers with ListBucket.
        add('s3:ListBucket', [bucketArn], undefined, 'documented');
      }
      return out;
    }
    default:
      add(`${req.service}:${op}`, ['*']);
      return out;
  }
}

/** The IAM action an ApiCallObserver report stands for. */
export function iamActionOfObserved(service: string, operation: string): string {
  return `${service === 'sagemaker-runtime' ? 'sagemaker' : service}:${operation}`;
}
