// The simulated cloud through the Cloud port: what sagezero writes reads back the same (so plan sees
// no drift), SageMaker's errors for the same mistakes, lifecycle states, metrics, and call reports.
import { describe, expect, it } from 'vitest';
import { createDrivenSimCloud, createSimCloud, SimCloud } from '../../src/cloud/sim/sim-cloud.js';
import { restore, snapshot, type SimStateJson } from '../../src/cloud/sim/state.js';
import { ApiCallCounter, CloudError, type EndpointConfigSpec } from '../../src/cloud/types.js';
import { ownerTags } from '../../src/ownership.js';
import { buildScalingResources } from '../../src/scaling/build.js';
import { installScalingResources } from '../../src/scaling/install.js';
import { observeScaling } from '../../src/scaling/observe.js';
import { planScaling } from '../../src/scaling/plan.js';
import { presetPolicy } from '../../src/simulate/policies.js';
import { DEFAULT_SETTINGS, simEndpointConfig } from '../../src/simulate/runner.js';
import { customPolicy, DAY, MIN } from './helpers.js';

const ROLE = 'arn:aws:iam::123456789012:role/SageMakerExecution';

function configSpec(name: string, instanceType = 'ml.g5.12xlarge'): EndpointConfigSpec {
  return {
    name,
    modelName: 'm1',
    variantName: 'AllTraffic',
    instanceType,
    initialInstanceCount: 1,
    async: { outputPath: 's3://out-bucket/outputs', failurePath: 's3://out-bucket/failures' },
    tags: { team: 'ml' },
  };
}

async function region(): Promise<ReturnType<typeof createDrivenSimCloud>> {
  const r = createDrivenSimCloud({ startTime: DAY, boot: { kind: 'fixed', seconds: 300 } });
  await r.cloud.createModel({
    name: 'm1',
    image: 'img:1',
    environment: {},
    executionRoleArn: ROLE,
    tags: {},
  });
  await r.cloud.createEndpointConfig(configSpec('c1'));
  return r;
}

describe('SimCloud: SageMaker hosting', () => {
  it('creates an endpoint that is Creating until its instances booted, then InService', async () => {
    const { cloud, engine } = await region();
    const created = await cloud.createEndpoint('ep1', 'c1', { team: 'ml' });
    expect(created.status).toBe('Creating');
    engine.runUntil(DAY + 300_000 - 1);
    expect((await cloud.getEndpoint('ep1'))?.status).toBe('Creating');
    engine.runUntil(DAY + 300_000);
    const ep = await cloud.getEndpoint('ep1');
    expect(ep?.status).toBe('InService');
    expect(ep?.variants[0]).toMatchObject({
      currentInstanceCount: 1,
      desiredInstanceCount: 1,
      instanceType: 'ml.g5.12xlarge',
    });
    expect(ep?.tags).toEqual({ team: 'ml' });
    expect(await cloud.listEndpoints()).toEqual([{ name: 'ep1', arn: ep?.arn, status: 'InService' }]);
    expect(await cloud.getEndpoint('nope')).toBeUndefined();
  });

  it("gives SageMaker's errors for duplicates and missing references", async () => {
    const { cloud } = await region();
    await expect(
      cloud.createModel({ name: 'm1', image: 'x', environment: {}, executionRoleArn: ROLE, tags: {} }),
    ).rejects.toMatchObject({
      code: 'ValidationException',
      operation: 'CreateModel',
    });
    await expect(cloud.createEndpoint('ep1', 'missing', {})).rejects.toThrow(
      /Could not find endpoint configuration "missing"/,
    );
    await expect(cloud.deleteModel('missing')).rejects.toBeInstanceOf(CloudError);
    expect(await cloud.listModels('m')).toEqual(['m1']);
    expect(await cloud.listEndpointConfigs('c')).toEqual(['c1']);
  });

  it('refuses an instance-type update while the variant is a scalable target, and rolls out other updates', async () => {
    const { cloud, engine } = await region();
    await cloud.createEndpoint('ep1', 'c1', {});
    engine.runUntil(DAY + 10 * MIN);
    await cloud.createEndpointConfig(configSpec('c2', 'ml.g5.2xlarge'));
    await cloud.registerScalableTarget({
      resourceId: 'endpoint/ep1/variant/AllTraffic',
      minCapacity: 0,
      maxCapacity: 2,
      tags: {},
    });
    await expect(cloud.updateEndpoint('ep1', 'c2')).rejects.toThrow(
      /must be deregistered as scalable targets/,
    );
    await cloud.deregisterScalableTarget('endpoint/ep1/variant/AllTraffic');
    await cloud.updateEndpoint('ep1', 'c2');
    expect((await cloud.getEndpoint('ep1'))?.status).toBe('Updating');
    engine.runUntil(engine.now + 300_000);
    const ep = await cloud.getEndpoint('ep1');
    expect(ep?.status).toBe('InService');
    expect(ep?.configName).toBe('c2');
    expect(ep?.variants[0]?.instanceType).toBe('ml.g5.2xlarge');
  });

  it('deletes an endpoint through Deleting', async () => {
    const { cloud, engine } = await region();
    await cloud.createEndpoint('ep1', 'c1', {});
    engine.runUntil(DAY + 10 * MIN);
    await cloud.deleteEndpoint('ep1');
    expect((await cloud.getEndpoint('ep1'))?.status).toBe('Deleting');
    engine.runUntil(engine.now + MIN);
    expect(await cloud.getEndpoint('ep1')).toBeUndefined();
  });

  it('sets the desired count directly and bills instances per second from launch to termination', async () => {
    const { cloud, engine } = await region();
    await cloud.createEndpoint('ep1', 'c1', {});
    engine.runUntil(DAY + 10 * MIN);
    await cloud.setDesiredInstanceCount('ep1', 'AllTraffic', 3);
    expect((await cloud.getEndpoint('ep1'))?.status).toBe('Updating');
    await expect(cloud.setDesiredInstanceCount('ep1', 'AllTraffic', 1)).rejects.toThrow(/in-progress/);
    engine.runUntil(DAY + 20 * MIN);
    expect((await cloud.getEndpoint('ep1'))?.variants[0]?.currentInstanceCount).toBe(3);
    await cloud.setDesiredInstanceCount('ep1', 'AllTraffic', 0);
    const ep = engine.endpoint('ep1');
    // One instance from 0 to 20 min, two from 10 to 20 min.
    expect(engine.billedMs(ep, DAY, DAY + 60 * MIN)).toBe(20 * MIN + 2 * 10 * MIN);
  });
});

describe('SimCloud: scaling resources round-trip', () => {
  it('reads back exactly what sagezero installs, so plan finds nothing to change', async () => {
    for (const policy of [
      presetPolicy('aws-recommended'),
      presetPolicy('blog'),
      customPolicy({
        preset: 'aws-recommended',
        idle: { mode: 'step', minutes: 7 },
        keepWarm: [{ from: '0 8 * * 1-5', to: '0 18 * * 1-5', timezone: 'Europe/Brussels', minCapacity: 1 }],
      }),
    ]) {
      const { engine, cloud } = createDrivenSimCloud({
        startTime: DAY,
        boot: { kind: 'fixed', seconds: 60 },
      });
      const ec = simEndpointConfig(policy, { ...DEFAULT_SETTINGS, boot: { kind: 'fixed', seconds: 60 } });
      await cloud.createModel({
        name: 'm1',
        image: 'img',
        environment: {},
        executionRoleArn: ROLE,
        tags: {},
      });
      await cloud.createEndpointConfig(configSpec('c1'));
      await cloud.createEndpoint(ec.name, 'c1', {});
      engine.runUntil(DAY + 2 * MIN);
      const set = buildScalingResources(ec, ownerTags('proj', ec.name));
      await installScalingResources(cloud, set);
      const observed = await observeScaling(cloud, ec.name, set.resourceId);
      expect(planScaling(set, observed)).toEqual([]);
      const policies = await cloud.listScalingPolicies(set.resourceId);
      const tt = policies.find((p) => p.type === 'TargetTracking');
      // Application Auto Scaling's own alarms exist and are listed, named as AWS names them.
      expect(
        tt?.alarmNames.some((n) =>
          /^TargetTracking-endpoint\/sim-endpoint\/variant\/AllTraffic-AlarmHigh-/.test(n),
        ),
      ).toBe(true);
      const all = await cloud.listAlarms('TargetTracking-');
      expect(all.map((a) => a.name).sort()).toEqual([...(tt?.alarmNames ?? [])].sort());
    }
  });

  it('refuses policies without a registered target and unknown deletions', async () => {
    const { cloud } = createSimCloud();
    await expect(
      cloud.putScheduledAction({
        name: 'a',
        resourceId: 'endpoint/x/variant/AllTraffic',
        schedule: 'cron(0 8 ? * * *)',
      }),
    ).rejects.toMatchObject({ code: 'ObjectNotFoundException' });
    await expect(cloud.deleteScalingPolicy('endpoint/x/variant/AllTraffic', 'p')).rejects.toMatchObject({
      code: 'ObjectNotFoundException',
    });
    await expect(
      cloud.putAlarm({
        name: 'bad',
        metrics: [{ id: 'e', expression: 'nope + 1', returnData: true }],
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        threshold: 1,
        comparisonOperator: 'GreaterThanThreshold',
        treatMissingData: 'missing',
        alarmActions: [],
        tags: {},
      }),
    ).rejects.toThrow(/unknown id "nope"/);
  });
});

describe('SimCloud: invocations, metrics and call reports', () => {
  it('serves a request, writes its output, and publishes the async metrics', async () => {
    const counter = new ApiCallCounter();
    const { cloud, engine } = createDrivenSimCloud(
      { startTime: DAY, boot: { kind: 'fixed', seconds: 60 }, serviceSeconds: () => 30 },
      counter,
    );
    await cloud.createModel({ name: 'm1', image: 'img', environment: {}, executionRoleArn: ROLE, tags: {} });
    await cloud.createEndpointConfig(configSpec('c1'));
    await cloud.createEndpoint('ep1', 'c1', {});
    engine.runUntil(DAY + 5 * MIN);
    await cloud.putObject('s3://in-bucket/a.json', '{}');
    await expect(
      cloud.invokeEndpointAsync({
        endpointName: 'ep1',
        inputLocation: 's3://in-bucket/a.json',
        requestTtlSeconds: 30,
      }),
    ).rejects.toThrow(/RequestTTLSeconds/);
    await expect(
      cloud.invokeEndpointAsync({ endpointName: 'nope', inputLocation: 's3://in-bucket/a.json' }),
    ).rejects.toThrow(/not found/);
    const res = await cloud.invokeEndpointAsync({
      endpointName: 'ep1',
      inputLocation: 's3://in-bucket/a.json',
      inferenceId: 'abc',
    });
    expect(res.outputLocation).toBe('s3://out-bucket/outputs/abc.out');
    expect(res.failureLocation).toBe('s3://out-bucket/failures/abc-error.out');
    engine.runUntil(DAY + 10 * MIN);
    expect(await cloud.getObject(res.outputLocation)).toBeDefined();

    const [processed, backlog] = await cloud.getMetricData(
      [
        {
          id: 'p',
          namespace: 'AWS/SageMaker',
          metricName: 'InvocationsProcessed',
          dimensions: [
            { name: 'EndpointName', value: 'ep1' },
            { name: 'VariantName', value: 'AllTraffic' },
          ],
          stat: 'Sum',
          periodSeconds: 60,
        },
        {
          id: 'b',
          namespace: 'AWS/SageMaker',
          metricName: 'ApproximateBacklogSize',
          dimensions: [{ name: 'EndpointName', value: 'ep1' }],
          stat: 'Maximum',
          periodSeconds: 60,
        },
      ],
      DAY,
      DAY + 10 * MIN,
    );
    expect(processed?.values).toEqual([1]);
    expect(processed?.timestamps).toEqual([DAY + 5 * MIN]);
    expect(backlog?.values.length).toBeGreaterThan(3);
    expect(Math.max(...(backlog?.values ?? []))).toBe(0);

    expect(counter.calls.find((c) => c.operation === 'InvokeEndpointAsync' && c.ok)).toMatchObject({
      service: 'sagemaker-runtime',
      mutating: true,
    });
    expect(counter.calls.find((c) => c.operation === 'GetMetricData')).toMatchObject({
      service: 'cloudwatch',
      mutating: false,
    });
    expect(counter.calls.filter((c) => !c.ok).map((c) => c.errorCode)).toEqual([
      'ValidationError',
      'ValidationError',
    ]);
  });

  it('fails a request whose input object does not exist, into the failure location', async () => {
    const { cloud, engine } = createDrivenSimCloud({ startTime: DAY, boot: { kind: 'fixed', seconds: 60 } });
    await cloud.createModel({ name: 'm1', image: 'img', environment: {}, executionRoleArn: ROLE, tags: {} });
    await cloud.createEndpointConfig(configSpec('c1'));
    await cloud.createEndpoint('ep1', 'c1', {});
    engine.runUntil(DAY + 5 * MIN);
    const res = await cloud.invokeEndpointAsync({
      endpointName: 'ep1',
      inputLocation: 's3://in-bucket/missing.json',
    });
    engine.runUntil(DAY + 6 * MIN);
    expect(await cloud.getObject(res.outputLocation)).toBeUndefined();
    expect(new TextDecoder().decode(await cloud.getObject(res.failureLocation as string))).toContain(
      'does not exist',
    );
    expect(engine.endpoint('ep1').failed).toBe(1);
  });

  it('accepts InvokeEndpointAsync while the endpoint is Updating, not while Creating or Deleting', async () => {
    const { cloud, engine } = await region();
    await cloud.putObject('s3://in-bucket/req.json', '{}');
    const invoke = () =>
      cloud.invokeEndpointAsync({ endpointName: 'ep1', inputLocation: 's3://in-bucket/req.json' });
    await cloud.createEndpoint('ep1', 'c1', {});
    await expect(invoke()).rejects.toThrow(/not in service \(status Creating\)/);
    engine.runUntil(DAY + 10 * MIN);
    await cloud.setDesiredInstanceCount('ep1', 'AllTraffic', 2); // a scale-out: Updating for the boot
    expect((await cloud.getEndpoint('ep1'))?.status).toBe('Updating');
    await invoke();
    await cloud.createEndpointConfig(configSpec('c2'));
    engine.runUntil(DAY + 20 * MIN);
    await cloud.updateEndpoint('ep1', 'c2'); // a new config rolling out: Updating too
    expect((await cloud.getEndpoint('ep1'))?.status).toBe('Updating');
    await invoke();
    engine.runUntil(DAY + 30 * MIN);
    await cloud.deleteEndpoint('ep1');
    await expect(invoke()).rejects.toThrow(/Endpoint ep1 of account \d+ not found/);
    expect(engine.requestsSubmitted).toBe(2);
  });

  it('hands its clients a seeded random stream that repeats for a seed and survives a restart', () => {
    const draws = (cloud: { jitterRandom(): number }, n: number) =>
      Array.from({ length: n }, () => cloud.jitterRandom());
    const a = createSimCloud({ seed: 5 });
    const b = createSimCloud({ seed: 5 });
    const first = draws(a.cloud, 4);
    expect(draws(b.cloud, 4)).toEqual(first);
    expect(draws(createSimCloud({ seed: 6 }).cloud, 4)).not.toEqual(first);
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
    // The CLI's region lives in a file between runs: the stream goes on where it stopped.
    const restored = restore(JSON.parse(JSON.stringify(snapshot(a.engine))) as SimStateJson);
    expect(draws(new SimCloud(restored, a.clock), 3)).toEqual(draws(a.cloud, 3));
  });

  it('catches up with a VirtualClock lazily on each call', async () => {
    const { cloud, clock } = createSimCloud({ boot: { kind: 'fixed', seconds: 120 } });
    await cloud.createModel({ name: 'm1', image: 'img', environment: {}, executionRoleArn: ROLE, tags: {} });
    await cloud.createEndpointConfig(configSpec('c1'));
    await cloud.createEndpoint('ep1', 'c1', {});
    await clock.advance(119_000);
    expect((await cloud.getEndpoint('ep1'))?.status).toBe('Creating');
    await clock.advance(1_000);
    expect((await cloud.getEndpoint('ep1'))?.status).toBe('InService');
  });
});
