// An in-memory cloud whose one endpoint follows a script in clock time: it wakes (desired 0 -> 1) at
// a set moment after the invocation, has an instance in service at another, and the model writes its
// output (or failure) a set time after that. Built on FakeCloud, which remembers S3 objects and calls.
import type { Clock } from '../../src/clock.js';
import { FakeCloud } from '../../src/cloud/fake.js';
import type {
  AsyncInvocation,
  AsyncInvocationResult,
  EndpointState,
  ScalingActivity,
} from '../../src/cloud/types.js';

export interface Script {
  /** In-service instances before the invocation (0: cold). */
  initialInstances: number;
  /** After the invocation: when desired goes 0 -> 1 (cold only). */
  wakeAfterMs?: number;
  /** After the invocation: when the instance is InService (cold only). */
  inServiceAfterMs?: number;
  /** After capacity is there (warm: after the invocation): when the result object appears. */
  processingMs: number;
  /** Write the failure object instead of the output. */
  fail?: string;
  /** Never write anything (a stuck request). */
  never?: boolean;
  /** DescribeScalingActivities fails (e.g. no permission). */
  activitiesUnavailable?: boolean;
  /** Omit FailureLocation from InvokeEndpointAsync (no S3FailurePath configured). */
  noFailurePath?: boolean;
  /** Nothing ever runs; SageMaker writes an expiry failure when the request's TTL runs out. */
  expireAtTtl?: boolean;
}

export class ScriptedCloud extends FakeCloud {
  invokedAt: number | undefined;
  readonly contentTypes = new Map<string, string | undefined>();
  readonly invocations: AsyncInvocation[] = [];
  /** Called on every GetObject: lets a test act mid-wait (e.g. abort). */
  onGetObject: (() => void) | undefined;

  constructor(
    readonly clock: Clock,
    readonly endpointName: string,
    readonly script: Script,
    readonly variantName = 'AllTraffic',
  ) {
    super();
  }

  wakeAt(): number | undefined {
    if (this.invokedAt === undefined || this.script.initialInstances > 0) return undefined;
    return this.script.wakeAfterMs === undefined ? undefined : this.invokedAt + this.script.wakeAfterMs;
  }

  inServiceAt(): number | undefined {
    if (this.invokedAt === undefined) return undefined;
    if (this.script.initialInstances > 0) return this.invokedAt;
    return this.script.inServiceAfterMs === undefined
      ? undefined
      : this.invokedAt + this.script.inServiceAfterMs;
  }

  resultAt(): number | undefined {
    const ready = this.inServiceAt();
    if (ready === undefined || this.script.never) return undefined;
    return ready + this.script.processingMs;
  }

  override async getEndpoint(name: string): Promise<EndpointState | undefined> {
    this.calls.push('DescribeEndpoint');
    if (name !== this.endpointName) return undefined;
    const now = this.clock.now();
    const woke = this.wakeAt();
    const ready = this.inServiceAt();
    const cold = this.script.initialInstances === 0;
    const current = !cold ? this.script.initialInstances : ready !== undefined && now >= ready ? 1 : 0;
    const desired = !cold ? current : woke !== undefined && now >= woke ? 1 : 0;
    return {
      name,
      arn: `arn:aws:sagemaker:us-east-1:123456789012:endpoint/${name}`,
      status: desired !== current ? 'Updating' : 'InService',
      configName: `${name}-config`,
      variants: [
        {
          variantName: this.variantName,
          currentInstanceCount: current,
          desiredInstanceCount: desired,
          instanceType: 'ml.g5.xlarge',
        },
      ],
      tags: {},
      createdAt: 0,
      lastModifiedAt: 0,
    };
  }

  override async putObject(uri: string, body: Uint8Array | string, contentType?: string): Promise<void> {
    this.contentTypes.set(uri, contentType);
    await super.putObject(uri, body);
  }

  override async getObject(uri: string): Promise<Uint8Array | undefined> {
    this.onGetObject?.();
    const id = this.invocations[0]?.inferenceId ?? 'x';
    const inv = this.invocations[0];
    if (this.script.expireAtTtl && inv && this.invokedAt !== undefined && !this.written) {
      if (this.clock.now() >= this.invokedAt + (inv.requestTtlSeconds ?? 21_600) * 1000) {
        this.written = true;
        this.objects.set(
          this.failureUri(id),
          new TextEncoder().encode('Request expired: RequestTTLSeconds elapsed'),
        );
      }
    }
    const at = this.resultAt();
    if (at !== undefined && this.clock.now() >= at && !this.written) {
      this.written = true;
      const target = this.script.fail ? this.failureUri(id) : this.outputUri(id);
      this.objects.set(target, new TextEncoder().encode(this.script.fail ?? `{"generated_text":"Paris"}`));
    }
    return super.getObject(uri);
  }
  private written = false;

  outputUri(id: string): string {
    return `s3://scripted-out/out/${id}.out`;
  }

  failureUri(id: string): string {
    return `s3://scripted-out/failures/${id}-error.out`;
  }

  override async invokeEndpointAsync(request: AsyncInvocation): Promise<AsyncInvocationResult> {
    this.calls.push('InvokeEndpointAsync');
    if (!this.objects.has(request.inputLocation)) throw new Error('input not uploaded before invoke');
    this.invocations.push(request);
    this.invokedAt = this.clock.now();
    const id = request.inferenceId ?? 'x';
    const result: AsyncInvocationResult = { inferenceId: id, outputLocation: this.outputUri(id) };
    if (!this.script.noFailurePath) result.failureLocation = this.failureUri(id);
    return result;
  }

  override async listScalingActivities(resourceId: string, since: number): Promise<ScalingActivity[]> {
    this.calls.push('DescribeScalingActivities');
    if (this.script.activitiesUnavailable) throw new Error('AccessDenied');
    const woke = this.wakeAt();
    const ready = this.inServiceAt();
    if (woke === undefined || woke < since) return [];
    const done = ready !== undefined && this.clock.now() >= ready;
    const activity: ScalingActivity = {
      activityId: 'act-wake',
      resourceId,
      description: 'Setting desired instance count to 1.',
      cause: 'monitor alarm sagezero-wake in state ALARM triggered policy sagezero-wake',
      startTime: woke,
      statusCode: done ? 'Successful' : 'InProgress',
      desiredCapacity: 1,
    };
    if (done && ready !== undefined) activity.endTime = ready;
    // A scale-in from an earlier wake, which must not be mistaken for this one.
    const old: ScalingActivity = {
      activityId: 'act-old-scale-in',
      resourceId,
      description: 'Setting desired instance count to 0.',
      cause: 'monitor alarm low',
      startTime: since + 1000,
      endTime: since + 60_000,
      statusCode: 'Successful',
      desiredCapacity: 0,
    };
    return [activity, old];
  }
}

/** A clock that jumps forward when slept on and remembers each sleep. */
export class RecordingSkippingClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(private current: number) {}
  now(): number {
    return this.current;
  }
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason;
    this.sleeps.push(ms);
    this.current += Math.max(0, ms);
    if (signal?.aborted) throw signal.reason;
  }
  /** Time passing inside a cloud call (an upload, a slow API). */
  advance(ms: number): void {
    this.current += ms;
  }
}
