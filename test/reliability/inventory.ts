// What moto holds for one endpoint, read with plain SDK clients straight from moto (never through a
// fault proxy): the ground truth the reliability tests compare with after faults and kills.
import {
  ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  DescribeScheduledActionsCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  ListEndpointConfigsCommand,
  ListEndpointsCommand,
  ListModelsCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { expect } from 'vitest';

export interface Inventory {
  models: string[];
  endpointConfigs: string[];
  endpoints: string[];
  scalableTargets: string[];
  policies: string[];
  scheduledActions: string[];
  alarms: string[];
}

const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

export async function inventory(
  motoUrl: string,
  endpointName: string,
  region = 'us-east-1',
): Promise<Inventory> {
  const opts = { region, endpoint: motoUrl, credentials, maxAttempts: 1 };
  const sm = new SageMakerClient(opts);
  const aas = new ApplicationAutoScalingClient(opts);
  const cw = new CloudWatchClient(opts);
  const resourceId = `endpoint/${endpointName}/variant/AllTraffic`;
  const mine = (n: string | undefined): n is string => n !== undefined && n.startsWith(`${endpointName}-`);
  try {
    const [models, configs, endpoints, targets, policies, actions, alarms] = await Promise.all([
      sm.send(new ListModelsCommand({ NameContains: endpointName, MaxResults: 100 })),
      sm.send(new ListEndpointConfigsCommand({ NameContains: endpointName, MaxResults: 100 })),
      sm.send(new ListEndpointsCommand({ NameContains: endpointName, MaxResults: 100 })),
      aas.send(
        new DescribeScalableTargetsCommand({ ServiceNamespace: 'sagemaker', ResourceIds: [resourceId] }),
      ),
      aas.send(new DescribeScalingPoliciesCommand({ ServiceNamespace: 'sagemaker', ResourceId: resourceId })),
      aas.send(
        new DescribeScheduledActionsCommand({ ServiceNamespace: 'sagemaker', ResourceId: resourceId }),
      ),
      cw.send(new DescribeAlarmsCommand({ AlarmNamePrefix: `sagezero-${endpointName}-` })),
    ]);
    return {
      models: (models.Models ?? [])
        .map((m) => m.ModelName)
        .filter(mine)
        .sort(),
      endpointConfigs: (configs.EndpointConfigs ?? [])
        .map((c) => c.EndpointConfigName)
        .filter(mine)
        .sort(),
      endpoints: (endpoints.Endpoints ?? [])
        .map((e) => e.EndpointName)
        .filter((n): n is string => n === endpointName),
      scalableTargets: (targets.ScalableTargets ?? [])
        .filter((t) => t.ResourceId === resourceId)
        .map((t) => `${t.ResourceId}:${t.MinCapacity}-${t.MaxCapacity}`),
      policies: (policies.ScalingPolicies ?? [])
        .filter((p) => p.ResourceId === resourceId)
        .map((p) => p.PolicyName ?? '')
        .sort(),
      scheduledActions: (actions.ScheduledActions ?? [])
        .filter((a) => a.ResourceId === resourceId)
        .map((a) => a.ScheduledActionName ?? '')
        .sort(),
      alarms: (alarms.MetricAlarms ?? []).map((a) => a.AlarmName ?? '').sort(),
    };
  } finally {
    sm.destroy();
    aas.destroy();
    cw.destroy();
  }
}

/**
 * Exactly one of everything a converged endpoint with the aws-recommended preset and one keep-warm
 * window has: model, endpoint config, endpoint, scalable target (0-2), the two policies, the wake
 * alarm and the two scheduled actions.
 */
export function expectOneOfEach(inv: Inventory, name: string, label?: string): void {
  expect(inv.models, label).toHaveLength(1);
  expect(inv.endpointConfigs, label).toHaveLength(1);
  expect(inv.endpoints, label).toEqual([name]);
  expect(inv.scalableTargets, label).toEqual([`endpoint/${name}/variant/AllTraffic:0-2`]);
  expect(inv.policies, label).toEqual([`sagezero-${name}-backlog-target`, `sagezero-${name}-wake`]);
  expect(inv.alarms, label).toEqual([`sagezero-${name}-wake`]);
  expect(inv.scheduledActions, label).toEqual([
    `sagezero-${name}-keepwarm-0-close`,
    `sagezero-${name}-keepwarm-0-open`,
  ]);
}
