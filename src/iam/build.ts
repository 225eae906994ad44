// `sagezero iam-policy`: the least-privilege IAM policy a config needs. Every statement lists only
// the actions sagezero (or a call it makes on sagezero's behalf) performs, scoped to the config's
// endpoints, content-addressed models and configs, alarms and S3 locations wherever IAM can scope the
// action; where it cannot, the statement's reason says so.
import type { Config, EndpointConfig } from '../config/load.js';
import { billingEnabled } from '../cost/pricing-config.js';
import { probeConfigOf } from '../probe/from-config.js';
import { contentPrefix } from '../provision/naming.js';
import { defaultSpecsBucket } from '../provision/jumpstart/spec.js';
import { alarmPrefix } from '../scaling/names.js';
import { realtimeStatements } from './realtime.js';
import {
  alarmArn,
  IamPolicyError,
  parseRoleArn,
  partitionOfRegion,
  s3BucketArn,
  s3ObjectsUnder,
  sagemakerArn,
  type ArnScope,
} from './arn.js';
import type { ExplainedStatement, PolicyDocument, PolicyStatement } from './types.js';

/** Length of the content hash in model and endpoint-config names (see provision/naming.ts). */
export const CONTENT_HASH_LENGTH = 10;

/** IAM's limit for a customer managed policy, counted without whitespace. */
export const MANAGED_POLICY_MAX_CHARS = 6144;

const SCALABLE_DIMENSION = 'sagemaker:variant:DesiredInstanceCount';
/** Statements of async endpoints that need no resource of theirs ("*" or a fixed ARN) to be kept. */
const ASYNC_ONLY = new Set(['SageMakerList', 'ScalingWriteSageMakerVariants']);
const AAS_SAGEMAKER_PRINCIPAL = 'sagemaker.application-autoscaling.amazonaws.com';

export interface IamPolicyOptions {
  /** Account of every ARN; default: the account of the execution roles. */
  accountId?: string;
  /** Only this endpoint of the config. */
  endpoint?: string;
  /** More S3 prefixes inputs are uploaded to (`sagezero invoke --bucket`). */
  inputPrefixes?: string[];
}

export interface IamPolicy {
  document: PolicyDocument;
  explained: ExplainedStatement[];
  warnings: string[];
}

interface EndpointScope {
  endpoint: EndpointConfig;
  /** Pattern matching exactly the content-addressed names `<endpoint>-<10-char hash>`. */
  contentNames: string;
  outputPath: string;
  failurePath: string;
  inputPrefixes: string[];
}

function resolveScope(
  config: Config,
  endpoints: Pick<EndpointConfig, 'executionRoleArn'>[],
  options: IamPolicyOptions,
): ArnScope {
  const roles = endpoints.map((e) => ({ arn: e.executionRoleArn, parsed: parseRoleArn(e.executionRoleArn) }));
  const accounts = [...new Set(roles.flatMap((r) => (r.parsed ? [r.parsed.accountId] : [])))];
  if (options.accountId !== undefined && !/^\d{12}$/.test(options.accountId)) {
    throw new IamPolicyError(`--account must be a 12-digit AWS account id, got "${options.accountId}"`);
  }
  const accountId = options.accountId ?? (accounts.length === 1 ? accounts[0] : undefined);
  if (!accountId) {
    throw new IamPolicyError(
      `the execution roles in ${config.file} belong to ${accounts.length === 0 ? 'no account' : `several accounts (${accounts.join(', ')})`}; pass --account <12-digit id> for the account sagezero runs in`,
    );
  }
  const partition = roles[0]?.parsed?.partition ?? partitionOfRegion(config.region);
  return { partition, region: config.region, accountId };
}

function endpointScope(
  config: Config,
  scope: ArnScope,
  endpoint: EndpointConfig,
  index: number,
): EndpointScope {
  // The SageMaker Python SDK's defaults, which provision/desired.ts applies too.
  const defaultBucket = `s3://sagemaker-${scope.region}-${scope.accountId}`;
  const outputPath = endpoint.async.outputPath ?? `${defaultBucket}/async-endpoint-outputs/${endpoint.name}`;
  const failurePath =
    endpoint.async.failurePath ?? `${defaultBucket}/async-endpoint-failures/${endpoint.name}`;
  // Probe inputs: the probe bucket if configured, else the output bucket (probe/target.ts).
  const probe = probeConfigOf(endpoint, config.file, index);
  const inputBase =
    probe?.bucket ??
    `s3://${s3ObjectsUnder(scope.partition, outputPath).bucket}/sagezero-probes/${endpoint.name}/`;
  return {
    endpoint,
    contentNames: `${contentPrefix(endpoint.name)}${'?'.repeat(CONTENT_HASH_LENGTH)}`,
    outputPath,
    failurePath,
    inputPrefixes: [inputBase],
  };
}

const unique = (xs: string[]): string[] => [...new Set(xs)].sort();

function statement(
  sid: string,
  action: string[],
  resource: string[],
  why: string,
  condition?: PolicyStatement['Condition'],
): ExplainedStatement {
  const s: PolicyStatement = {
    Sid: sid,
    Effect: 'Allow',
    Action: unique(action),
    Resource: unique(resource),
  };
  if (condition) s.Condition = condition;
  return { statement: s, why };
}

export function buildIamPolicy(config: Config, options: IamPolicyOptions = {}): IamPolicy {
  const endpoints = config.endpoints.filter((e) => !options.endpoint || e.name === options.endpoint);
  const realtime = config.realtimeEndpoints.filter((e) => !options.endpoint || e.name === options.endpoint);
  if (endpoints.length === 0 && realtime.length === 0) {
    const known = [...config.endpoints, ...config.realtimeEndpoints].map((e) => e.name).join(', ');
    throw new IamPolicyError(
      `--endpoint ${options.endpoint}: no such endpoint in ${config.file} (it has: ${known})`,
    );
  }
  const scope = resolveScope(config, [...endpoints, ...realtime], options);
  const P = scope.partition;
  const eps = endpoints.map((e) => endpointScope(config, scope, e, config.endpoints.indexOf(e)));

  const endpointArns = eps.map((e) => sagemakerArn(scope, 'endpoint', e.endpoint.name));
  const configArns = eps.map((e) => sagemakerArn(scope, 'endpoint-config', e.contentNames));
  const modelArns = eps.map((e) => sagemakerArn(scope, 'model', e.contentNames));
  const ownerTagCondition = {
    StringEquals: {
      'aws:RequestTag/sagezero:managed-by': 'sagezero',
      'aws:RequestTag/sagezero:project': config.project,
    },
  };

  const out: ExplainedStatement[] = [
    statement(
      'SageMakerReadOwn',
      [
        'sagemaker:DescribeEndpoint',
        'sagemaker:DescribeEndpointConfig',
        'sagemaker:DescribeModel',
        'sagemaker:ListTags',
      ],
      [...endpointArns, ...configArns, ...modelArns],
      'plan reads the endpoints, their content-addressed models and configs (<endpoint>-<10-char hash>) and ' +
        'their ownership tags. SageMaker ARNs carry names in lower case, so the patterns are lower case. An ' +
        'endpoint of the same name that someone else created on another config is refused with AccessDenied ' +
        'on that config instead of the friendlier "not sagezero\'s" message: its models may hold secrets in ' +
        'their environment, so they are not readable here.',
    ),
    statement(
      'SageMakerList',
      ['sagemaker:ListEndpointConfigs', 'sagemaker:ListEndpoints', 'sagemaker:ListModels'],
      ['*'],
      'finds stale models and configs by name prefix and lists endpoints. SageMaker List* calls have no ' +
        'resource-level permissions (only ListTags does), so they need "*"; they return names, not contents.',
    ),
    statement(
      'SageMakerCreateOwned',
      [
        'sagemaker:AddTags',
        'sagemaker:CreateEndpoint',
        'sagemaker:CreateEndpointConfig',
        'sagemaker:CreateModel',
      ],
      [...endpointArns, ...configArns, ...modelArns],
      'apply creates the model, the endpoint config and the endpoint, each tagged at creation (tag-on-create ' +
        "also needs sagemaker:AddTags). The condition makes IAM itself refuse a create without sagezero's " +
        'ownership tags for this project. CreateEndpoint is authorized on both the endpoint and its config.',
      ownerTagCondition,
    ),
    statement(
      'SageMakerChangeOwn',
      [
        'sagemaker:DeleteEndpoint',
        'sagemaker:DeleteEndpointConfig',
        'sagemaker:DeleteModel',
        'sagemaker:UpdateEndpoint',
        'sagemaker:UpdateEndpointWeightsAndCapacities',
      ],
      [...endpointArns, ...configArns, ...modelArns],
      'apply moves an endpoint to a new config and removes the replaced ones; destroy deletes them. ' +
        'UpdateEndpointWeightsAndCapacities is also what Application Auto Scaling requires of the caller ' +
        'that registers a SageMaker variant as a scalable target.',
    ),
    statement(
      'SageMakerAdopted',
      [
        'sagemaker:DeleteEndpointConfig',
        'sagemaker:DeleteModel',
        'sagemaker:DescribeEndpointConfig',
        'sagemaker:DescribeModel',
        'sagemaker:ListTags',
      ],
      [sagemakerArn(scope, 'endpoint-config', '*'), sagemakerArn(scope, 'model', '*')],
      'an endpoint adopted with `apply --adopt` keeps the names of its model and endpoint config until the ' +
        'config changes them, so they match no <endpoint>-<hash> pattern; the condition limits these calls to ' +
        "resources already tagged as this project's. `apply --adopt` itself reads and tags (sagemaker:AddTags) " +
        'resources that carry no sagezero tag yet: a one-off step for a role that may, not granted here, since ' +
        "tagging anything as sagezero's would bring it under this statement.",
      {
        StringEquals: {
          'aws:ResourceTag/sagezero:managed-by': 'sagezero',
          'aws:ResourceTag/sagezero:project': config.project,
        },
      },
    ),
    statement(
      'SageMakerInvokeAsync',
      ['sagemaker:InvokeEndpointAsync'],
      endpointArns,
      'probes and `sagezero invoke` queue requests (the SageMaker Runtime call is authorized as sagemaker:).',
    ),
    statement(
      'PassExecutionRole',
      ['iam:PassRole'],
      eps.map((e) => e.endpoint.executionRoleArn),
      'CreateModel hands the execution role to SageMaker; the condition allows passing it to SageMaker only.',
      { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    ),
    statement(
      'ScalingRead',
      [
        'application-autoscaling:DescribeScalableTargets',
        'application-autoscaling:DescribeScalingActivities',
        'application-autoscaling:DescribeScalingPolicies',
        'application-autoscaling:DescribeScheduledActions',
      ],
      ['*'],
      'plan reads the scaling set and telemetry backfills instance counts from scaling activities. ' +
        'Application Auto Scaling Describe* calls have no resource-level permissions and no condition keys.',
    ),
    statement(
      'ScalingWriteSageMakerVariants',
      [
        'application-autoscaling:DeleteScalingPolicy',
        'application-autoscaling:DeleteScheduledAction',
        'application-autoscaling:DeregisterScalableTarget',
        'application-autoscaling:PutScalingPolicy',
        'application-autoscaling:PutScheduledAction',
        'application-autoscaling:RegisterScalableTarget',
      ],
      ['*'],
      'apply registers the variant, puts the target-tracking, wake and idle policies and keep-warm ' +
        'schedules. Scalable targets have opaque ARNs (scalable-target/<id>) that cannot name an endpoint, ' +
        'so these write calls need "*"; the condition keys limit them to SageMaker variant instance counts.',
      {
        StringEquals: {
          'application-autoscaling:service-namespace': 'sagemaker',
          'application-autoscaling:scalable-dimension': SCALABLE_DIMENSION,
        },
      },
    ),
    statement(
      'ScalingTags',
      ['application-autoscaling:ListTagsForResource', 'application-autoscaling:TagResource'],
      [`arn:${P}:application-autoscaling:${scope.region}:${scope.accountId}:scalable-target/*`],
      'apply tags the scalable target with its owner and plan reads the tags back. The ARN ends in an ' +
        'opaque id, so the scope is this account and region.',
    ),
    statement(
      'ScalingServiceLinkedRole',
      ['iam:CreateServiceLinkedRole'],
      [
        `arn:${P}:iam::${scope.accountId}:role/aws-service-role/${AAS_SAGEMAKER_PRINCIPAL}/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint`,
      ],
      'the first RegisterScalableTarget for SageMaker in an account makes Application Auto Scaling create ' +
        'its service-linked role; only that role, for that service.',
      { StringLike: { 'iam:AWSServiceName': AAS_SAGEMAKER_PRINCIPAL } },
    ),
    statement(
      'AlarmsAndMetricsRead',
      ['cloudwatch:DescribeAlarms', 'cloudwatch:GetMetricData'],
      ['*'],
      "plan lists sagezero's alarms by name prefix and telemetry reads backlog and instance metrics. " +
        'GetMetricData has no resource-level permissions; DescribeAlarms by prefix is evaluated against all ' +
        'alarms (and composite alarms need "*"), and Application Auto Scaling requires it of the caller.',
    ),
    statement(
      'AlarmsWriteOwn',
      [
        'cloudwatch:DeleteAlarms',
        'cloudwatch:ListTagsForResource',
        'cloudwatch:PutMetricAlarm',
        'cloudwatch:TagResource',
      ],
      eps.map((e) => alarmArn(scope, `${alarmPrefix(e.endpoint.name)}*`)),
      'apply creates the wake and idle alarms (sagezero-<endpoint>-*), tags them, and reads the tags back; ' +
        'destroy deletes them. Tagging an alarm at creation needs cloudwatch:TagResource too.',
    ),
    statement(
      'TargetTrackingAlarms',
      ['cloudwatch:DeleteAlarms', 'cloudwatch:PutMetricAlarm'],
      eps.map((e) =>
        alarmArn(scope, `TargetTracking-endpoint/${e.endpoint.name}/variant/${e.endpoint.variantName}-*`),
      ),
      'Application Auto Scaling creates and deletes the two target-tracking alarms of each policy on the ' +
        "caller's behalf and requires the caller to hold these permissions; sagezero never touches them itself.",
    ),
  ];

  const inputs = unique([...eps.flatMap((e) => e.inputPrefixes), ...(options.inputPrefixes ?? [])]).map((u) =>
    s3ObjectsUnder(P, u),
  );
  const results = unique(eps.flatMap((e) => [e.outputPath, e.failurePath])).map((u) => s3ObjectsUnder(P, u));
  out.push(
    statement(
      'S3ProbeInputs',
      ['s3:DeleteObject', 's3:PutObject'],
      inputs.map((i) => i.arn),
      'probes and `sagezero invoke` upload request payloads and delete them afterwards.',
    ),
    statement(
      'S3AsyncResults',
      ['s3:DeleteObject', 's3:GetObject'],
      results.map((r) => r.arn),
      'probes poll the async output and failure paths for their result, then delete it.',
    ),
    statement(
      'S3ResultBucketsList',
      ['s3:ListBucket'],
      unique(results.map((r) => s3BucketArn(P, r.bucket))),
      'without s3:ListBucket S3 answers GetObject on a missing key with 403 instead of 404, and a probe ' +
        'could not tell "no result yet" from "denied". That check is made on the bucket for a GetObject, ' +
        'not a ListObjects with a prefix, so no s3:prefix condition is added: it could turn the 404 back into a 403.',
    ),
  );

  out.push(...realtimeStatements(scope, realtime, CONTENT_HASH_LENGTH, ownerTagCondition, statement));

  const jumpstart = eps.filter((e) => e.endpoint.model.jumpstart);
  const realtimeJumpstart = realtime.some((e) => e.components.some((c) => c.model.jumpstart));
  if (jumpstart.length > 0 || realtimeJumpstart) {
    out.push(
      statement(
        'JumpStartSpecsRead',
        ['s3:GetObject'],
        [`${s3BucketArn(P, config.jumpstart.bucket ?? defaultSpecsBucket(config.region))}/*`],
        'plan resolves JumpStart models from models_manifest.json and the model specs in the JumpStart ' +
          'bucket of the region (read-only; SageMaker reads the model artifacts with the execution role).',
      ),
    );
  }

  const kms = kmsStatements(scope, eps);
  out.push(...kms);

  out.push(
    statement(
      'CallerIdentity',
      ['sts:GetCallerIdentity'],
      ['*'],
      'the account id for default bucket names. GetCallerIdentity needs no permission and cannot be ' +
        'denied; it is listed so the policy documents every call sagezero makes.',
    ),
    statement(
      'Prices',
      ['pricing:GetProducts'],
      ['*'],
      'cost reports look up hourly prices in the Price List API, which has no resource-level permissions.',
    ),
  );
  if (billingEnabled(config)) {
    out.push(
      statement(
        'Bill',
        ['ce:GetCostAndUsage'],
        ['*'],
        'pricing.billing: cost-explorer reads the daily SageMaker bill to set beside the estimate; Cost ' +
          'Explorer has no resource-level permissions.',
      ),
    );
  }

  // With only real-time endpoints selected, the async statements have nothing to scope (and IAM
  // refuses an empty Resource); the variant-dimension scaling write is theirs alone too.
  const kept =
    eps.length > 0
      ? out
      : out.filter((e) => e.statement.Resource.length > 0 && !ASYNC_ONLY.has(e.statement.Sid));
  const document: PolicyDocument = { Version: '2012-10-17', Statement: kept.map((e) => e.statement) };
  const warnings: string[] = [];
  const size = JSON.stringify(document).replace(/\s+/g, '').length;
  if (size > MANAGED_POLICY_MAX_CHARS) {
    warnings.push(
      `the policy is ${size} characters without whitespace, more than a managed policy may hold (${MANAGED_POLICY_MAX_CHARS}); generate one policy per endpoint with --endpoint`,
    );
  }
  return { document, explained: kept, warnings };
}

/** Results written with a customer KMS key can only be read back with kms:Decrypt on that key. */
function kmsStatements(scope: ArnScope, eps: EndpointScope[]): ExplainedStatement[] {
  const ids = unique(eps.flatMap((e) => (e.endpoint.async.kmsKeyId ? [e.endpoint.async.kmsKeyId] : [])));
  if (ids.length === 0) return [];
  const keyArn = (id: string): string =>
    `arn:${scope.partition}:kms:${scope.region}:${scope.accountId}:key/${id}`;
  const keys = ids.filter((id) => !id.includes('alias/'));
  const aliases = ids.filter((id) => id.includes('alias/')).map((id) => id.slice(id.indexOf('alias/')));
  const why = 'async results are encrypted with the configured KMS key; probes decrypt them when reading.';
  const out: ExplainedStatement[] = [];
  if (keys.length > 0) {
    out.push(
      statement(
        'KmsDecryptResults',
        ['kms:Decrypt'],
        keys.map((k) => (k.startsWith('arn:') ? k : keyArn(k))),
        why,
      ),
    );
  }
  if (aliases.length > 0) {
    out.push(
      statement(
        'KmsDecryptResultsByAlias',
        ['kms:Decrypt'],
        [keyArn('*')],
        `${why} The config names the key by alias, so the key is matched by its alias.`,
        { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': aliases } },
      ),
    );
  }
  return out;
}

export { IamPolicyError };
