// The Cloud port over the simulated region. Each call first lets the region catch up to the clock's
// now (lazy evaluation), so the same SimCloud works behind a VirtualClock in tests and the daemon and
// behind a SkippingClock in one-shot CLI runs. Calls are reported to the observer with the AWS
// service and operation names the AWS provider reports, so call counts mean the same on both.
import { VirtualClock, type Clock } from '../../clock.js';
import {
  CloudError,
  isMutatingOperation,
  parseS3Uri,
  type AlarmSpec,
  type AlarmState,
  type ApiCallObserver,
  type AsyncInvocation,
  type AsyncInvocationResult,
  type Cloud,
  type EndpointConfigSpec,
  type InferenceComponentSpec,
  type InferenceComponentState,
  type InferenceComponentSummary,
  type InferenceComponentUpdate,
  type RealtimeInvocation,
  type RealtimeInvocationResult,
  type EndpointConfigState,
  type EndpointState,
  type EndpointSummary,
  type MetricDataQuery,
  type MetricSeries,
  type ModelSpec,
  type ModelState,
  type ScalableResourceId,
  type ScalableTargetSpec,
  type ScalableTargetState,
  type ScalingActivity,
  type ScalingPolicySpec,
  type ScalingPolicyState,
  type ScheduledActionSpec,
  type ScheduledActionState,
  type Tags,
} from '../types.js';
import { SimEngine, simOptions, type SimOptions } from './engine.js';
import type { RequestPool } from './requests.js';
import { INVOKE_OK } from './realtime.js';
import { acceptsInvocations } from './sagemaker.js';
import { tagSimResource } from './tagging.js';

type Service = 'sagemaker' | 'sagemaker-runtime' | 'application-autoscaling' | 'cloudwatch' | 's3' | 'sts';

function s3Key(uri: string): string {
  const { bucket, key } = parseS3Uri(uri);
  return `s3://${bucket}/${key}`;
}

export class SimCloud implements Cloud {
  readonly kind = 'sim' as const;
  readonly region: string;

  constructor(
    readonly engine: SimEngine,
    readonly clock: Clock,
    private readonly observer?: ApiCallObserver,
  ) {
    this.region = engine.opts.region;
  }

  /**
   * Uniform in [0, 1), from the region's seeded stream: what client code jitters with against this
   * cloud (probe polling reads it through `jitterFrom`), so a seeded simulation repeats exactly. Not
   * part of the Cloud port: a real cloud has no say in its clients' randomness.
   */
  jitterRandom(): number {
    return this.engine.jitterRng.next();
  }

  /** Runs the region up to the clock's now. */
  sync(): void {
    this.engine.runUntil(this.clock.now());
  }

  private call<T>(service: Service, operation: string, fn: () => T): Promise<T> {
    const mutating = isMutatingOperation(operation);
    try {
      this.sync();
      const result = fn();
      this.observer?.onCall({ service, operation, mutating, ok: true });
      return Promise.resolve(result);
    } catch (e) {
      const code = e instanceof CloudError ? e.code : 'InternalError';
      this.observer?.onCall({ service, operation, mutating, ok: false, errorCode: code });
      if (e instanceof CloudError && !e.operation) {
        return Promise.reject(new CloudError(e.message, e.code, e.retryable, operation));
      }
      return Promise.reject(e);
    }
  }

  accountId(): Promise<string> {
    return this.call('sts', 'GetCallerIdentity', () => this.engine.opts.accountId);
  }

  // ---------- SageMaker ----------

  getModel(name: string): Promise<ModelState | undefined> {
    return this.call('sagemaker', 'DescribeModel', () => {
      const m = this.engine.sagemaker.models.get(name);
      return m ? structuredClone(m) : undefined;
    });
  }

  createModel(spec: ModelSpec): Promise<ModelState> {
    return this.call('sagemaker', 'CreateModel', () => this.engine.sagemaker.createModel(spec));
  }

  deleteModel(name: string): Promise<void> {
    return this.call('sagemaker', 'DeleteModel', () => this.engine.sagemaker.deleteModel(name));
  }

  listModels(prefix: string): Promise<string[]> {
    return this.call('sagemaker', 'ListModels', () =>
      [...this.engine.sagemaker.models.keys()].filter((n) => n.startsWith(prefix)).sort(),
    );
  }

  getEndpointConfig(name: string): Promise<EndpointConfigState | undefined> {
    return this.call('sagemaker', 'DescribeEndpointConfig', () => {
      const c = this.engine.sagemaker.configs.get(name);
      return c ? structuredClone(c) : undefined;
    });
  }

  createEndpointConfig(spec: EndpointConfigSpec): Promise<EndpointConfigState> {
    return this.call('sagemaker', 'CreateEndpointConfig', () =>
      this.engine.sagemaker.createEndpointConfig(spec),
    );
  }

  deleteEndpointConfig(name: string): Promise<void> {
    return this.call('sagemaker', 'DeleteEndpointConfig', () =>
      this.engine.sagemaker.deleteEndpointConfig(name),
    );
  }

  listEndpointConfigs(prefix: string): Promise<string[]> {
    return this.call('sagemaker', 'ListEndpointConfigs', () =>
      [...this.engine.sagemaker.configs.keys()].filter((n) => n.startsWith(prefix)).sort(),
    );
  }

  getEndpoint(name: string): Promise<EndpointState | undefined> {
    return this.call('sagemaker', 'DescribeEndpoint', () => {
      const ep = this.engine.endpoints.get(name);
      return ep ? this.engine.sagemaker.describe(ep) : undefined;
    });
  }

  listEndpoints(): Promise<EndpointSummary[]> {
    return this.call('sagemaker', 'ListEndpoints', () => this.engine.sagemaker.list());
  }

  createEndpoint(name: string, configName: string, tags: Tags): Promise<EndpointState> {
    return this.call('sagemaker', 'CreateEndpoint', () => {
      const ep = this.engine.sagemaker.createEndpoint(name, configName, tags);
      return this.engine.sagemaker.describe(ep);
    });
  }

  updateEndpoint(name: string, configName: string): Promise<void> {
    return this.call('sagemaker', 'UpdateEndpoint', () =>
      this.engine.sagemaker.updateEndpoint(name, configName),
    );
  }

  deleteEndpoint(name: string): Promise<void> {
    return this.call('sagemaker', 'DeleteEndpoint', () => this.engine.sagemaker.deleteEndpoint(name));
  }

  setDesiredInstanceCount(endpointName: string, variantName: string, count: number): Promise<void> {
    return this.call('sagemaker', 'UpdateEndpointWeightsAndCapacities', () =>
      this.engine.sagemaker.setDesiredInstanceCount(endpointName, variantName, count),
    );
  }

  // ---------- Application Auto Scaling ----------

  getScalableTarget(resourceId: ScalableResourceId): Promise<ScalableTargetState | undefined> {
    return this.call('application-autoscaling', 'DescribeScalableTargets', () =>
      this.engine.aas.getTarget(resourceId),
    );
  }

  registerScalableTarget(spec: ScalableTargetSpec): Promise<void> {
    return this.call('application-autoscaling', 'RegisterScalableTarget', () =>
      this.engine.aas.registerTarget(spec),
    );
  }

  deregisterScalableTarget(resourceId: ScalableResourceId): Promise<void> {
    return this.call('application-autoscaling', 'DeregisterScalableTarget', () =>
      this.engine.aas.deregisterTarget(resourceId),
    );
  }

  listScalingPolicies(resourceId: ScalableResourceId): Promise<ScalingPolicyState[]> {
    return this.call('application-autoscaling', 'DescribeScalingPolicies', () =>
      this.engine.aas.listPolicies(resourceId),
    );
  }

  putScalingPolicy(spec: ScalingPolicySpec): Promise<string> {
    return this.call('application-autoscaling', 'PutScalingPolicy', () => this.engine.aas.putPolicy(spec));
  }

  deleteScalingPolicy(resourceId: ScalableResourceId, policyName: string): Promise<void> {
    return this.call('application-autoscaling', 'DeleteScalingPolicy', () =>
      this.engine.aas.deletePolicy(resourceId, policyName),
    );
  }

  listScheduledActions(resourceId: ScalableResourceId): Promise<ScheduledActionState[]> {
    return this.call('application-autoscaling', 'DescribeScheduledActions', () =>
      this.engine.aas.listScheduled(resourceId),
    );
  }

  putScheduledAction(spec: ScheduledActionSpec): Promise<void> {
    return this.call('application-autoscaling', 'PutScheduledAction', () =>
      this.engine.aas.putScheduled(spec),
    );
  }

  deleteScheduledAction(resourceId: ScalableResourceId, name: string): Promise<void> {
    return this.call('application-autoscaling', 'DeleteScheduledAction', () =>
      this.engine.aas.deleteScheduled(resourceId, name),
    );
  }

  listScalingActivities(resourceId: ScalableResourceId, since: number): Promise<ScalingActivity[]> {
    return this.call('application-autoscaling', 'DescribeScalingActivities', () =>
      this.engine.aas.listActivities(resourceId, since),
    );
  }

  listAllScalingActivities(since: number): Promise<ScalingActivity[]> {
    return this.call('application-autoscaling', 'DescribeScalingActivities', () =>
      this.engine.aas.listAllActivities(since),
    );
  }

  // ---------- CloudWatch ----------

  listAlarms(prefix: string): Promise<AlarmState[]> {
    return this.call('cloudwatch', 'DescribeAlarms', () => this.engine.cw.list(prefix));
  }

  putAlarm(spec: AlarmSpec): Promise<void> {
    return this.call('cloudwatch', 'PutMetricAlarm', () => this.engine.cw.putAlarm(spec));
  }

  deleteAlarms(names: string[]): Promise<void> {
    return this.call('cloudwatch', 'DeleteAlarms', () => this.engine.cw.deleteAlarms(names));
  }

  getMetricData(queries: MetricDataQuery[], start: number, end: number): Promise<MetricSeries[]> {
    return this.call('cloudwatch', 'GetMetricData', () => this.engine.cw.getMetricData(queries, start, end));
  }

  // ---------- S3 ----------

  putObject(uri: string, body: Uint8Array | string, contentType?: string): Promise<void> {
    return this.call('s3', 'PutObject', () => {
      const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : new Uint8Array(body);
      const obj: { body: Uint8Array; contentType?: string } = { body: bytes };
      if (contentType !== undefined) obj.contentType = contentType;
      this.engine.s3.set(s3Key(uri), obj);
    });
  }

  getObject(uri: string, options?: { maxBytes?: number }): Promise<Uint8Array | undefined> {
    return this.call('s3', 'GetObject', () => {
      const obj = this.engine.s3.get(s3Key(uri));
      if (!obj) return undefined;
      const body = new Uint8Array(obj.body);
      return options?.maxBytes !== undefined ? body.subarray(0, options.maxBytes) : body;
    });
  }

  deleteObject(uri: string): Promise<void> {
    return this.call('s3', 'DeleteObject', () => {
      this.engine.s3.delete(s3Key(uri));
    });
  }

  // ---------- runtime ----------

  // ---------- real-time endpoints (realtime.ts) ----------

  getInferenceComponent(name: string): Promise<InferenceComponentState | undefined> {
    return this.call('sagemaker', 'DescribeInferenceComponent', () => {
      const c = this.engine.realtime.components.get(name);
      return c ? this.engine.realtime.describe(c) : undefined;
    });
  }
  createInferenceComponent(spec: InferenceComponentSpec): Promise<InferenceComponentState> {
    return this.call('sagemaker', 'CreateInferenceComponent', () =>
      this.engine.realtime.describe(this.engine.realtime.create(spec)),
    );
  }
  updateInferenceComponent(name: string, update: InferenceComponentUpdate): Promise<void> {
    return this.call('sagemaker', 'UpdateInferenceComponent', () =>
      this.engine.realtime.update(name, update),
    );
  }
  deleteInferenceComponent(name: string): Promise<void> {
    return this.call('sagemaker', 'DeleteInferenceComponent', () => this.engine.realtime.delete(name));
  }
  listInferenceComponents(endpointName?: string): Promise<InferenceComponentSummary[]> {
    return this.call('sagemaker', 'ListInferenceComponents', () => this.engine.realtime.list(endpointName));
  }

  /**
   * Fails at once when no copy can take the request; otherwise answers once the request's service
   * time (SimOptions.serviceSeconds) has passed on the clock, holding its copy until then.
   */
  async invokeEndpoint(request: RealtimeInvocation): Promise<RealtimeInvocationResult> {
    const engine = this.engine;
    const started = await this.call('sagemaker-runtime', 'InvokeEndpoint', () => {
      const c = engine.realtime.componentFor(request.endpointName, request.inferenceComponentName);
      const inputBytes =
        typeof request.body === 'string'
          ? new TextEncoder().encode(request.body).length
          : request.body.length;
      const serviceMs = Math.max(
        0,
        engine.opts.serviceSeconds({ endpointName: request.endpointName, inputBytes }) * 1000,
      );
      const code = engine.realtime.submit(c, serviceMs);
      if (code !== INVOKE_OK) throw engine.realtime.noCapacityError(c, code);
      return { component: c.name, serviceMs };
    });
    await this.clock.sleep(started.serviceMs);
    this.sync();
    const body = JSON.stringify({
      endpoint: request.endpointName,
      inferenceComponent: started.component,
      simulated: true,
      processingSeconds: started.serviceMs / 1000,
    });
    return { body: new TextEncoder().encode(body), contentType: 'application/json' };
  }

  tagResource(arn: string, tags: Tags): Promise<void> {
    const sagemaker = arn.split(':')[2] === 'sagemaker';
    const op = sagemaker ? 'AddTags' : 'TagResource';
    const service = sagemaker
      ? 'sagemaker'
      : arn.split(':')[2] === 'cloudwatch'
        ? 'cloudwatch'
        : 'application-autoscaling';
    return this.call(service, op, () => tagSimResource(this.engine, arn, tags, op));
  }

  invokeEndpointAsync(request: AsyncInvocation): Promise<AsyncInvocationResult> {
    return this.call('sagemaker-runtime', 'InvokeEndpointAsync', () => {
      const engine = this.engine;
      const op = 'InvokeEndpointAsync';
      const ep = engine.endpoints.get(request.endpointName);
      if (!ep || ep.status === 'Deleting') {
        throw new CloudError(
          `Endpoint ${request.endpointName} of account ${engine.opts.accountId} not found.`,
          'ValidationError',
          false,
          op,
        );
      }
      if (!acceptsInvocations(ep.status)) {
        throw new CloudError(
          `Endpoint ${request.endpointName} is not in service (status ${ep.status}).`,
          'ValidationError',
          false,
          op,
        );
      }
      const ttl = request.requestTtlSeconds ?? 21_600;
      if (!Number.isInteger(ttl) || ttl < 60 || ttl > 21_600) {
        throw new CloudError(
          'RequestTTLSeconds must be an integer between 60 and 21600.',
          'ValidationError',
          false,
          op,
        );
      }
      const timeout = request.invocationTimeoutSeconds ?? 900;
      if (!Number.isInteger(timeout) || timeout < 1 || timeout > 3600) {
        throw new CloudError(
          'InvocationTimeoutSeconds must be an integer between 1 and 3600.',
          'ValidationError',
          false,
          op,
        );
      }
      const input = s3Key(request.inputLocation);
      const inferenceId = request.inferenceId ?? engine.uuid();
      const outputLocation = `${ep.outputPath.replace(/\/+$/, '')}/${inferenceId}.out`;
      const failureLocation = ep.failurePath
        ? `${ep.failurePath.replace(/\/+$/, '')}/${inferenceId}-error.out`
        : undefined;
      const inputBytes = engine.s3.get(input)?.body.length ?? 0;
      const serviceMs = Math.max(0, engine.opts.serviceSeconds({ endpointName: ep.name, inputBytes }) * 1000);
      const meta: {
        inferenceId: string;
        inputLocation: string;
        outputLocation: string;
        failureLocation?: string;
      } = {
        inferenceId,
        inputLocation: input,
        outputLocation: s3Key(outputLocation),
      };
      if (failureLocation) meta.failureLocation = s3Key(failureLocation);
      engine.submit(ep, serviceMs, ttl * 1000, timeout * 1000, meta);
      const result: AsyncInvocationResult = { inferenceId, outputLocation };
      if (failureLocation) result.failureLocation = failureLocation;
      return result;
    });
  }
}

/**
 * A clock that is the engine's own time: sleeping runs the region forward. For code that drives the
 * simulation itself (the trace runner, scenario tests) rather than following an outside clock.
 */
export function engineClock(engine: SimEngine): Clock {
  return {
    now: () => engine.now,
    sleep: async (ms: number, signal?: AbortSignal) => {
      if (signal?.aborted) throw signal.reason;
      engine.runUntil(engine.now + Math.max(0, ms));
    },
  };
}

/** A simulated region whose clock is the engine's time. */
export function createDrivenSimCloud(
  partial: Partial<SimOptions> & { startTime: number },
  observer?: ApiCallObserver,
  pool?: RequestPool,
): { cloud: SimCloud; engine: SimEngine } {
  const engine = new SimEngine(simOptions(partial), pool);
  return { cloud: new SimCloud(engine, engineClock(engine), observer), engine };
}

/** A fresh simulated region on a VirtualClock, for tests and embedded use. */
export function createSimCloud(
  partial: Partial<SimOptions> & { startTime?: number } = {},
  observer?: ApiCallObserver,
): { cloud: SimCloud; clock: VirtualClock; engine: SimEngine } {
  const startTime = partial.startTime ?? Date.UTC(2026, 0, 5, 0, 0, 0);
  const engine = new SimEngine(simOptions({ ...partial, startTime }));
  const clock = new VirtualClock(startTime);
  return { cloud: new SimCloud(engine, clock, observer), clock, engine };
}
