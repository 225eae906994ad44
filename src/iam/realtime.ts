// The statements a `kind: realtime` endpoint adds to `sagezero iam-policy` (issue 15): its endpoint,
// content-addressed config, each component's content-addressed model and the component itself
// (`<endpoint>-<component>`), the copy-count scaling of each component and its wake alarm. Kept apart
// from build.ts so a config without real-time endpoints gets exactly the policy it got before.
import type { RealtimeEndpointConfig } from '../config/load.js';
import { contentPrefix } from '../provision/naming.js';
import { componentAlarmPrefix } from '../scaling/realtime.js';
import { alarmArn, sagemakerArn, type ArnScope } from './arn.js';
import type { ExplainedStatement, PolicyStatement } from './types.js';

/** Application Auto Scaling's dimension for an inference component's copies (RegisterScalableTarget). */
export const COPY_COUNT_DIMENSION = 'sagemaker:inference-component:DesiredCopyCount';

type Statement = (
  sid: string,
  action: string[],
  resource: string[],
  why: string,
  condition?: PolicyStatement['Condition'],
) => ExplainedStatement;

export function realtimeStatements(
  scope: ArnScope,
  endpoints: RealtimeEndpointConfig[],
  hashLength: number,
  ownerTagCondition: PolicyStatement['Condition'],
  statement: Statement,
): ExplainedStatement[] {
  if (endpoints.length === 0) return [];
  const hashed = (base: string) => `${contentPrefix(base)}${'?'.repeat(hashLength)}`;
  const components = endpoints.flatMap((e) => e.components.map((c) => c.componentName));
  const endpointArns = endpoints.map((e) => sagemakerArn(scope, 'endpoint', e.name));
  const configArns = endpoints.map((e) => sagemakerArn(scope, 'endpoint-config', hashed(e.name)));
  const modelArns = components.map((c) => sagemakerArn(scope, 'model', hashed(c)));
  const componentArns = components.map((c) => sagemakerArn(scope, 'inference-component', c));
  const own = [...endpointArns, ...configArns, ...modelArns, ...componentArns];

  return [
    statement(
      'RealtimeSageMakerReadOwn',
      [
        'sagemaker:DescribeEndpoint',
        'sagemaker:DescribeEndpointConfig',
        'sagemaker:DescribeInferenceComponent',
        'sagemaker:DescribeModel',
        'sagemaker:ListTags',
      ],
      own,
      'plan reads the real-time endpoints, their content-addressed configs (<endpoint>-<hash>), each ' +
        "component's content-addressed model (<endpoint>-<component>-<hash>) and the inference components " +
        '(<endpoint>-<component>) with their ownership tags. Application Auto Scaling also requires ' +
        'DescribeInferenceComponent of the caller that registers a component as a scalable target.',
    ),
    statement(
      'RealtimeSageMakerList',
      [
        'sagemaker:ListEndpointConfigs',
        'sagemaker:ListEndpoints',
        'sagemaker:ListInferenceComponents',
        'sagemaker:ListModels',
      ],
      ['*'],
      'finds stale models and configs by prefix and the components on an endpoint (ListInferenceComponents ' +
        'with EndpointNameEquals). SageMaker List* calls have no resource-level permissions.',
    ),
    statement(
      'RealtimeSageMakerCreateOwned',
      [
        'sagemaker:AddTags',
        'sagemaker:CreateEndpoint',
        'sagemaker:CreateEndpointConfig',
        'sagemaker:CreateInferenceComponent',
        'sagemaker:CreateModel',
      ],
      own,
      'apply creates the model of each component, the endpoint config (managed instance scaling, no model ' +
        'on the variant), the endpoint and one inference component per model, each tagged at creation; the ' +
        "condition makes IAM refuse a create without sagezero's ownership tags for this project.",
      ownerTagCondition,
    ),
    statement(
      'RealtimeSageMakerChangeOwn',
      [
        'sagemaker:DeleteEndpoint',
        'sagemaker:DeleteEndpointConfig',
        'sagemaker:DeleteInferenceComponent',
        'sagemaker:DeleteModel',
        'sagemaker:UpdateEndpoint',
        'sagemaker:UpdateInferenceComponent',
        'sagemaker:UpdateInferenceComponentRuntimeConfig',
      ],
      own,
      'apply moves a component to a new model or size and the endpoint to a new config; destroy deletes ' +
        'the components before the endpoint. UpdateInferenceComponentRuntimeConfig is what Application ' +
        'Auto Scaling requires of the caller that registers a component as a scalable target.',
    ),
    statement(
      'RealtimeInvoke',
      ['sagemaker:InvokeEndpoint'],
      [...endpointArns, ...componentArns],
      'probes and `sagezero invoke` call the components synchronously (InvokeEndpoint with ' +
        'InferenceComponentName; the SageMaker Runtime call is authorized as sagemaker:).',
    ),
    statement(
      'RealtimePassExecutionRole',
      ['iam:PassRole'],
      endpoints.map((e) => e.executionRoleArn),
      'CreateModel and CreateEndpointConfig (ExecutionRoleArn, required for a variant without a model) hand ' +
        'the execution role to SageMaker; the condition allows passing it to SageMaker only.',
      { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    ),
    statement(
      'RealtimeScalingWriteComponents',
      [
        'application-autoscaling:DeleteScalingPolicy',
        'application-autoscaling:DeleteScheduledAction',
        'application-autoscaling:DeregisterScalableTarget',
        'application-autoscaling:PutScalingPolicy',
        'application-autoscaling:PutScheduledAction',
        'application-autoscaling:RegisterScalableTarget',
      ],
      ['*'],
      'apply registers each component (inference-component/<name>) and puts its target-tracking and wake ' +
        'policies. Scalable targets have opaque ARNs, so these need "*"; the condition keys limit them to ' +
        'SageMaker inference component copy counts.',
      {
        StringEquals: {
          'application-autoscaling:service-namespace': 'sagemaker',
          'application-autoscaling:scalable-dimension': COPY_COUNT_DIMENSION,
        },
      },
    ),
    statement(
      'RealtimeAlarmsWriteOwn',
      [
        'cloudwatch:DeleteAlarms',
        'cloudwatch:ListTagsForResource',
        'cloudwatch:PutMetricAlarm',
        'cloudwatch:TagResource',
      ],
      components.map((c) => alarmArn(scope, `${componentAlarmPrefix(c)}*`)),
      "apply creates each component's wake alarm on NoCapacityInvocationFailures " +
        '(sagezero-inference-component/<component>-wake), tags it and reads the tags back; destroy deletes it.',
    ),
    statement(
      'RealtimeTargetTrackingAlarms',
      ['cloudwatch:DeleteAlarms', 'cloudwatch:PutMetricAlarm'],
      components.map((c) => alarmArn(scope, `TargetTracking-inference-component/${c}-*`)),
      'Application Auto Scaling creates and deletes the target-tracking alarms of each component policy on ' +
        "the caller's behalf and requires the caller to hold these permissions; sagezero never touches them.",
    ),
  ];
}
