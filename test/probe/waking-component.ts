// A real-time endpoint with one inference component at zero copies that wakes on a script: the
// first refused invocation starts the wake (as NoCapacityInvocationFailures does for the real
// alarm), and after set delays from that failure the wake alarm goes to ALARM, the scaling policy
// asks for a copy, managed instance scaling brings an instance into service, and the copy serves.
// Built on FakeCloud, whose invokeEndpoint already refuses a component with no copy.
import type { Clock } from '../../src/clock.js';
import { componentAlarmName } from '../../src/scaling/realtime.js';
import { FakeCloud } from '../../src/cloud/fake.js';
import {
  componentResourceId,
  type AlarmState,
  type EndpointState,
  type InferenceComponentState,
  type RealtimeInvocation,
  type RealtimeInvocationResult,
  type ScalingActivity,
} from '../../src/cloud/types.js';

export interface WakeScript {
  /** Copies serving before anything happens (>0: warm, the script does not run). */
  initialCopies: number;
  /** Instances in service before the wake (another component may keep one). Default 0. */
  initialInstances?: number;
  /** After the first refused invocation: the wake alarm is in ALARM. */
  alarmAfterMs: number;
  /** After the first refused invocation: desired copies 0 -> 1 (the step policy acted). */
  copyScheduledAfterMs: number;
  /** After the first refused invocation: the variant has an instance in service. */
  instanceAfterMs: number;
  /** After the first refused invocation: the copy serves (currentCopyCount 1). */
  copyReadyAfterMs: number;
  /** Never wakes (a broken alarm). */
  never?: boolean;
}

export const ENDPOINT = 'chat';
export const COMPONENT = 'chat-llama';
export const VARIANT = 'AllTraffic';
export const WAKE_ALARM = componentAlarmName(COMPONENT);

export class WakingComponentCloud extends FakeCloud {
  /** When the first invocation was refused: the wake's origin. */
  firstFailureAt: number | undefined;
  readonly requests: RealtimeInvocation[] = [];
  /** Errors thrown by the next InvokeEndpoint calls before the component is consulted. */
  readonly invokeErrors: Error[] = [];

  constructor(
    readonly clock: Clock,
    readonly script: WakeScript,
  ) {
    super();
    const at = clock.now();
    this.endpoints.set(ENDPOINT, {
      name: ENDPOINT,
      arn: `arn:aws:sagemaker:us-east-1:123456789012:endpoint/${ENDPOINT}`,
      status: 'InService',
      configName: `${ENDPOINT}-config`,
      variants: [
        {
          variantName: VARIANT,
          currentInstanceCount: 0,
          desiredInstanceCount: 0,
          instanceType: 'ml.g5.xlarge',
        },
      ],
      tags: {},
      createdAt: at,
      lastModifiedAt: at,
    });
    this.components.set(COMPONENT, {
      name: COMPONENT,
      endpointName: ENDPOINT,
      variantName: VARIANT,
      modelName: 'llama',
      acceleratorsPerCopy: 1,
      memoryMbPerCopy: 1024,
      copyCount: 1,
      tags: {},
      arn: `arn:aws:sagemaker:us-east-1:123456789012:inference-component/${COMPONENT}`,
      status: 'InService',
      currentCopyCount: script.initialCopies,
      desiredCopyCount: script.initialCopies,
      createdAt: at,
      lastModifiedAt: at,
    });
    this.alarms.set(WAKE_ALARM, {
      name: WAKE_ALARM,
      metric: {
        namespace: 'AWS/SageMaker',
        metricName: 'NoCapacityInvocationFailures',
        dimensions: [{ name: 'InferenceComponentName', value: COMPONENT }],
        statistic: 'Sum',
        periodSeconds: 60,
      },
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      threshold: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'missing',
      alarmActions: [],
      tags: {},
      arn: `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${WAKE_ALARM}`,
      stateValue: 'OK',
    });
    this.sync();
  }

  /** Absolute time of a scripted moment, once the wake has started. */
  private moment(afterMs: number): number | undefined {
    if (this.script.never || this.script.initialCopies > 0 || this.firstFailureAt === undefined)
      return undefined;
    return this.firstFailureAt + afterMs;
  }

  private reached(afterMs: number): boolean {
    const t = this.moment(afterMs);
    return t !== undefined && this.clock.now() >= t;
  }

  /** Brings the stored state to the clock's time. */
  private sync(): void {
    const warm = this.script.initialCopies > 0;
    const c = this.components.get(COMPONENT)!;
    const v = this.endpoints.get(ENDPOINT)!.variants[0]!;
    const instances = warm
      ? Math.max(1, this.script.initialInstances ?? 1)
      : this.reached(this.script.instanceAfterMs)
        ? Math.max(1, this.script.initialInstances ?? 0)
        : (this.script.initialInstances ?? 0);
    v.currentInstanceCount = instances;
    v.desiredInstanceCount = this.reached(this.script.copyScheduledAfterMs)
      ? Math.max(1, instances)
      : instances;
    if (!warm) {
      c.desiredCopyCount = this.reached(this.script.copyScheduledAfterMs) ? 1 : 0;
      c.currentCopyCount = this.reached(this.script.copyReadyAfterMs) ? 1 : 0;
    }
    this.alarms.get(WAKE_ALARM)!.stateValue = this.reached(this.script.alarmAfterMs) ? 'ALARM' : 'OK';
  }

  override async invokeEndpoint(request: RealtimeInvocation): Promise<RealtimeInvocationResult> {
    this.sync();
    this.requests.push(request);
    const injected = this.invokeErrors.shift();
    if (injected) {
      this.calls.push('InvokeEndpoint');
      throw injected;
    }
    try {
      return await super.invokeEndpoint(request);
    } catch (e) {
      this.firstFailureAt ??= this.clock.now();
      throw e;
    }
  }

  override async getInferenceComponent(name: string): Promise<InferenceComponentState | undefined> {
    this.sync();
    return super.getInferenceComponent(name);
  }

  override async getEndpoint(name: string): Promise<EndpointState | undefined> {
    this.sync();
    return super.getEndpoint(name);
  }

  override async listAlarms(prefix: string): Promise<AlarmState[]> {
    this.sync();
    return super.listAlarms(prefix);
  }

  override async listScalingActivities(resourceId: string, since: number): Promise<ScalingActivity[]> {
    this.sync();
    const scheduled = this.moment(this.script.copyScheduledAfterMs);
    this.activities =
      scheduled !== undefined && this.clock.now() >= scheduled
        ? [
            {
              activityId: 'act-copy',
              resourceId: componentResourceId(COMPONENT),
              description: 'Setting desired copy count to 1.',
              cause: `monitor alarm ${WAKE_ALARM} in state ALARM triggered policy sagezero-wake`,
              startTime: scheduled,
              statusCode: this.reached(this.script.copyReadyAfterMs) ? 'Successful' : 'InProgress',
              desiredCapacity: 1,
              ...(this.reached(this.script.copyReadyAfterMs)
                ? { endTime: this.moment(this.script.copyReadyAfterMs)! }
                : {}),
            },
          ]
        : [];
    return super.listScalingActivities(resourceId, since);
  }
}
