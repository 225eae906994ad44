import { describe, expect, it } from 'vitest';
import { FakeCloud, type FakeOperation } from './fake.js';
import { CloudError, isMutatingOperation, scalableResourceId, type MetricDataQuery } from './types.js';

const RID = scalableResourceId('ep', 'AllTraffic');
const QUERY: MetricDataQuery = {
  id: 'q',
  namespace: 'AWS/SageMaker',
  metricName: 'ApproximateBacklogSize',
  dimensions: [{ name: 'EndpointName', value: 'ep' }],
  stat: 'Average',
  periodSeconds: 60,
};

const err = (code: string): CloudError => new CloudError(`injected ${code}`, code, true);

/** A cloud with one of everything, built through its own API. */
async function populated(): Promise<FakeCloud> {
  const c = new FakeCloud();
  await c.createModel({ name: 'm', image: 'img', environment: {}, executionRoleArn: 'role', tags: {} });
  await c.createEndpointConfig(configSpec('cfg', 1));
  await c.createEndpointConfig(configSpec('cfg2', 2));
  await c.createEndpoint('ep', 'cfg', { owner: 'sagezero' });
  await c.registerScalableTarget({ resourceId: RID, minCapacity: 0, maxCapacity: 2, tags: {} });
  await c.putScalingPolicy(stepPolicy('p'));
  await c.putScheduledAction({ name: 'a', resourceId: RID, schedule: 'cron(0 8 * * ? *)', minCapacity: 1 });
  await c.putAlarm(alarm('al'));
  await c.putObject('s3://b/k', 'body');
  await c.createInferenceComponent(componentSpec('ic'));
  c.activities.push({
    activityId: 'act',
    resourceId: RID,
    description: 'Setting desired count to 1.',
    cause: 'alarm',
    startTime: 10,
    statusCode: 'Successful',
    desiredCapacity: 1,
  });
  return c;
}

function configSpec(name: string, initialInstanceCount: number) {
  return {
    name,
    modelName: 'm',
    variantName: 'AllTraffic',
    instanceType: 'ml.g5.xlarge',
    initialInstanceCount,
    async: { outputPath: 's3://b/out' },
    tags: {},
  };
}

function componentSpec(name: string) {
  return {
    name,
    endpointName: 'ep',
    variantName: 'AllTraffic',
    modelName: 'm',
    acceleratorsPerCopy: 1,
    memoryMbPerCopy: 1024,
    copyCount: 1,
    tags: {},
  };
}

function stepPolicy(name: string) {
  return {
    type: 'StepScaling' as const,
    policyName: name,
    resourceId: RID,
    adjustmentType: 'ChangeInCapacity' as const,
    stepAdjustments: [{ lowerBound: 0, scalingAdjustment: 1 }],
    cooldownSeconds: 60,
    metricAggregationType: 'Maximum' as const,
  };
}

function alarm(name: string) {
  return {
    name,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    threshold: 1,
    comparisonOperator: 'GreaterThanOrEqualToThreshold' as const,
    treatMissingData: 'missing' as const,
    alarmActions: [],
    tags: {},
  };
}

/** Everything a call could change, as plain data. */
function state(c: FakeCloud): unknown {
  return structuredClone({
    models: [...c.models],
    configs: [...c.configs],
    endpoints: [...c.endpoints],
    targets: [...c.targets],
    policies: [...c.policies],
    actions: [...c.actions],
    alarms: [...c.alarms],
    objects: [...c.objects],
    activities: c.activities,
    components: [...c.components],
  });
}

/**
 * One call of each port method, with arguments that would succeed (and, for mutating ones, change
 * something) on a populated cloud.
 */
const EVERY_METHOD: Record<string, [FakeOperation, (c: FakeCloud) => Promise<unknown>]> = {
  accountId: ['GetCallerIdentity', (c) => c.accountId()],
  getModel: ['DescribeModel', (c) => c.getModel('m')],
  createModel: [
    'CreateModel',
    (c) => c.createModel({ name: 'm2', image: 'i', environment: {}, executionRoleArn: 'r', tags: {} }),
  ],
  deleteModel: ['DeleteModel', (c) => c.deleteModel('m')],
  listModels: ['ListModels', (c) => c.listModels('')],
  getEndpointConfig: ['DescribeEndpointConfig', (c) => c.getEndpointConfig('cfg')],
  createEndpointConfig: ['CreateEndpointConfig', (c) => c.createEndpointConfig(configSpec('cfg3', 1))],
  deleteEndpointConfig: ['DeleteEndpointConfig', (c) => c.deleteEndpointConfig('cfg')],
  listEndpointConfigs: ['ListEndpointConfigs', (c) => c.listEndpointConfigs('')],
  getEndpoint: ['DescribeEndpoint', (c) => c.getEndpoint('ep')],
  listEndpoints: ['ListEndpoints', (c) => c.listEndpoints()],
  createEndpoint: ['CreateEndpoint', (c) => c.createEndpoint('ep2', 'cfg', {})],
  updateEndpoint: ['UpdateEndpoint', (c) => c.updateEndpoint('ep', 'cfg2')],
  deleteEndpoint: ['DeleteEndpoint', (c) => c.deleteEndpoint('ep')],
  setDesiredInstanceCount: [
    'UpdateEndpointWeightsAndCapacities',
    (c) => c.setDesiredInstanceCount('ep', 'AllTraffic', 0),
  ],
  getScalableTarget: ['DescribeScalableTargets', (c) => c.getScalableTarget(RID)],
  registerScalableTarget: [
    'RegisterScalableTarget',
    (c) => c.registerScalableTarget({ resourceId: RID, minCapacity: 1, maxCapacity: 3, tags: {} }),
  ],
  deregisterScalableTarget: ['DeregisterScalableTarget', (c) => c.deregisterScalableTarget(RID)],
  listScalingPolicies: ['DescribeScalingPolicies', (c) => c.listScalingPolicies(RID)],
  putScalingPolicy: ['PutScalingPolicy', (c) => c.putScalingPolicy(stepPolicy('p2'))],
  deleteScalingPolicy: ['DeleteScalingPolicy', (c) => c.deleteScalingPolicy(RID, 'p')],
  listScheduledActions: ['DescribeScheduledActions', (c) => c.listScheduledActions(RID)],
  putScheduledAction: [
    'PutScheduledAction',
    (c) => c.putScheduledAction({ name: 'b', resourceId: RID, schedule: 'cron(0 9 * * ? *)' }),
  ],
  deleteScheduledAction: ['DeleteScheduledAction', (c) => c.deleteScheduledAction(RID, 'a')],
  listScalingActivities: ['DescribeScalingActivities', (c) => c.listScalingActivities(RID, 0)],
  listAllScalingActivities: ['DescribeScalingActivities', (c) => c.listAllScalingActivities(0)],
  listAlarms: ['DescribeAlarms', (c) => c.listAlarms('')],
  putAlarm: ['PutMetricAlarm', (c) => c.putAlarm(alarm('al2'))],
  deleteAlarms: ['DeleteAlarms', (c) => c.deleteAlarms(['al'])],
  getMetricData: ['GetMetricData', (c) => c.getMetricData([QUERY], 0, 60_000)],
  putObject: ['PutObject', (c) => c.putObject('s3://b/k2', 'x')],
  getObject: ['GetObject', (c) => c.getObject('s3://b/k')],
  deleteObject: ['DeleteObject', (c) => c.deleteObject('s3://b/k')],
  invokeEndpointAsync: [
    'InvokeEndpointAsync',
    (c) => c.invokeEndpointAsync({ endpointName: 'ep', inputLocation: 's3://b/k' }),
  ],
  getInferenceComponent: ['DescribeInferenceComponent', (c) => c.getInferenceComponent('ic')],
  createInferenceComponent: [
    'CreateInferenceComponent',
    (c) => c.createInferenceComponent(componentSpec('ic2')),
  ],
  updateInferenceComponent: [
    'UpdateInferenceComponent',
    (c) =>
      c.updateInferenceComponent('ic', { modelName: 'm', acceleratorsPerCopy: 2, memoryMbPerCopy: 2048 }),
  ],
  deleteInferenceComponent: ['DeleteInferenceComponent', (c) => c.deleteInferenceComponent('ic')],
  listInferenceComponents: ['ListInferenceComponents', (c) => c.listInferenceComponents('ep')],
  invokeEndpoint: ['InvokeEndpoint', (c) => c.invokeEndpoint({ endpointName: 'ep', body: '{}' })],
  tagResource: [
    'AddTags',
    (c) => c.tagResource('arn:aws:sagemaker:us-east-1:123456789012:model/m', { team: 'nlp' }),
  ],
};

/** FakeCloud's own test-facing methods, which are not calls to the cloud. */
const NOT_PORT = new Set([
  'constructor',
  'failNext',
  'failAlways',
  'clearFailures',
  'callCount',
  'mutatingCalls',
  'reset',
  'call',
  'variant',
  'arn',
]);

describe('FakeCloud failure injection', () => {
  it('the table below covers every method of the port', () => {
    const methods = Object.getOwnPropertyNames(FakeCloud.prototype).filter((m) => !NOT_PORT.has(m));
    expect(methods.sort()).toEqual(Object.keys(EVERY_METHOD).sort());
  });

  describe.each(Object.entries(EVERY_METHOD))('%s', (_method, [op, invoke]) => {
    it(`logs ${op}, and an injected error fails it before it changes anything`, async () => {
      const ok = await populated();
      const before = state(ok);
      await invoke(ok);
      expect(ok.calls.at(-1)).toBe(op);
      // The call changes something when it succeeds, so an unchanged state below means something
      // (an invocation only answers ids here: this fake runs no model).
      if (isMutatingOperation(op) && op !== 'InvokeEndpointAsync' && op !== 'InvokeEndpoint')
        expect(state(ok)).not.toEqual(before);

      const c = await populated();
      const snapshot = state(c);
      const n = c.calls.length;
      const e = err('Throttling');
      c.failNext(op, e);
      await expect(invoke(c)).rejects.toBe(e);
      expect(state(c)).toEqual(snapshot);
      // A failed call is still a call, as AWS counts it.
      expect(c.calls.slice(n)).toEqual([op]);
    });
  });

  it('throws the next error once, then behaves again', async () => {
    const c = await populated();
    const e = err('ServiceUnavailable');
    c.failNext('DescribeEndpoint', e);
    await expect(c.getEndpoint('ep')).rejects.toBe(e);
    expect((await c.getEndpoint('ep'))?.status).toBe('InService');
    expect(c.callCount('DescribeEndpoint')).toBe(2);
  });

  it('throws errors queued for one operation in the order they were queued, one per call', async () => {
    const c = await populated();
    const first = err('Throttling');
    const second = err('InternalFailure');
    c.failNext('GetObject', first).failNext('GetObject', second);
    await expect(c.getObject('s3://b/k')).rejects.toBe(first);
    await expect(c.getObject('s3://b/k')).rejects.toBe(second);
    expect(new TextDecoder().decode(await c.getObject('s3://b/k'))).toBe('body');
  });

  it('keeps each operation its own errors', async () => {
    const c = await populated();
    const e = err('Throttling');
    c.failNext('DescribeEndpoint', e);
    // Other operations, read and write, are untouched and do not use up DescribeEndpoint's error.
    expect(await c.getEndpointConfig('cfg')).toBeDefined();
    await c.setDesiredInstanceCount('ep', 'AllTraffic', 0);
    expect(await c.listEndpoints()).toHaveLength(1);
    await expect(c.getEndpoint('ep')).rejects.toBe(e);
  });

  it('with a matcher, fails only the calls whose arguments match, and leaves the error for one that does', async () => {
    const c = await populated();
    await c.createEndpoint('other', 'cfg', {});
    const e = err('Throttling');
    c.failNext('DescribeEndpoint', e, (name) => name === 'other');
    expect(await c.getEndpoint('ep')).toBeDefined();
    await expect(c.getEndpoint('other')).rejects.toBe(e);
    expect(await c.getEndpoint('other')).toBeDefined();
  });

  it('fails always until the failures are cleared, and a next error goes first', async () => {
    const c = await populated();
    const standing = err('AccessDenied');
    const once = err('Throttling');
    c.failAlways('GetMetricData', standing).failNext('GetMetricData', once);
    await expect(c.getMetricData([QUERY], 0, 60_000)).rejects.toBe(once);
    for (let i = 0; i < 3; i++) await expect(c.getMetricData([QUERY], 0, 60_000)).rejects.toBe(standing);
    c.clearFailures('GetMetricData');
    expect(await c.getMetricData([QUERY], 0, 60_000)).toEqual([]);
    // Clearing the failures leaves the cloud's state alone.
    expect(c.endpoints.has('ep')).toBe(true);
  });

  it('answers GetMetricData from the settable metric source, and callers cannot change its data', async () => {
    const c = new FakeCloud();
    const series = [{ id: 'q', timestamps: [0], values: [3] }];
    c.metricData = (queries, start, end) =>
      queries[0] === QUERY && start === 0 && end === 60_000 ? series : [];
    const got = await c.getMetricData([QUERY], 0, 60_000);
    expect(got).toEqual(series);
    got[0]!.values[0] = 99;
    expect(series[0]!.values[0]).toBe(3);
  });

  it('reset clears state, calls, injected errors and the metric source', async () => {
    const c = await populated();
    c.failNext('DescribeEndpoint', err('Throttling'));
    c.failAlways('CreateModel', err('AccessDenied'));
    c.metricData = () => [{ id: 'q', timestamps: [0], values: [1] }];
    c.reset();
    expect(state(c)).toEqual(state(new FakeCloud()));
    expect(c.calls).toEqual([]);
    expect(await c.getEndpoint('ep')).toBeUndefined();
    expect(await c.getMetricData([QUERY], 0, 60_000)).toEqual([]);
    await c.createModel({ name: 'm', image: 'i', environment: {}, executionRoleArn: 'r', tags: {} });
    expect(c.calls).toEqual(['DescribeEndpoint', 'GetMetricData', 'CreateModel']);
  });
});
