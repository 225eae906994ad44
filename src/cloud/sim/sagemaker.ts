// SageMaker hosting in the simulated region: models, endpoint configs and endpoints with their
// lifecycle (Creating -> InService once the initial instances booted, Updating while a new config rolls
// out, Deleting for a moment), and the errors SageMaker gives for the same mistakes.
import {
  CloudError,
  isAsyncConfig,
  type EndpointConfigSpec,
  type EndpointConfigState,
  type EndpointState,
  type EndpointStatus,
  type EndpointSummary,
  type ModelSpec,
  type ModelState,
  type Tags,
} from '../types.js';
import { EV_ENDPOINT, type SimEngine } from './engine.js';
import { INST_READY, SimEndpoint, type SimInstance } from './entities.js';

/**
 * Statuses in which InvokeEndpointAsync accepts a request. An endpoint keeps serving while it is
 * Updating (UpdateEndpoint deploys the new fleet before it retires the old one, "no availability
 * loss"; UpdateEndpointWeightsAndCapacities, which autoscaling calls for every scale-out and scale-in,
 * changes instance counts in place), during maintenance (SystemUpdating) and while a failed update
 * rolls back. It does not before it first comes up (Creating), once it is going away (Deleting) or
 * when it has no deployment to serve with (Failed, OutOfService). An async endpoint at zero instances
 * accepts requests too: they wait in its queue, which is what wakes it.
 */
const ACCEPTS_INVOCATIONS: ReadonlySet<EndpointStatus> = new Set<EndpointStatus>([
  'InService',
  'Updating',
  'SystemUpdating',
  'RollingBack',
  'UpdateRollbackFailed',
]);

export function acceptsInvocations(status: EndpointStatus): boolean {
  return ACCEPTS_INVOCATIONS.has(status);
}

function validation(message: string, operation: string): CloudError {
  return new CloudError(message, 'ValidationException', false, operation);
}

export class SageMaker {
  readonly models = new Map<string, ModelState>();
  readonly configs = new Map<string, EndpointConfigState>();

  constructor(private readonly sim: SimEngine) {}

  createModel(spec: ModelSpec): ModelState {
    if (this.models.has(spec.name)) {
      throw validation(
        `Cannot create already existing model "${this.sim.arn('sagemaker', `model/${spec.name.toLowerCase()}`)}".`,
        'CreateModel',
      );
    }
    const state: ModelState = {
      ...structuredClone(spec),
      arn: this.sim.arn('sagemaker', `model/${spec.name.toLowerCase()}`),
      createdAt: this.sim.now,
    };
    this.models.set(spec.name, state);
    return structuredClone(state);
  }

  deleteModel(name: string): void {
    if (!this.models.delete(name)) throw validation(`Could not find model "${name}".`, 'DeleteModel');
  }

  createEndpointConfig(spec: EndpointConfigSpec): EndpointConfigState {
    if (this.configs.has(spec.name)) {
      throw validation(
        `Cannot create already existing endpoint configuration "${this.sim.arn('sagemaker', `endpoint-config/${spec.name.toLowerCase()}`)}".`,
        'CreateEndpointConfig',
      );
    }
    // Real-time configurations (a variant without a model, managed instance scaling): realtime.ts.
    if (!isAsyncConfig(spec)) this.sim.realtime.checkConfig(spec);
    else if (!this.models.has(spec.modelName))
      throw validation(`Could not find model "${spec.modelName}".`, 'CreateEndpointConfig');
    const c = isAsyncConfig(spec) ? spec.async.maxConcurrentInvocationsPerInstance : undefined;
    if (c !== undefined && (c < 1 || c > 1000)) {
      throw validation(
        'MaxConcurrentInvocationsPerInstance must be between 1 and 1000.',
        'CreateEndpointConfig',
      );
    }
    const state: EndpointConfigState = {
      ...structuredClone(spec),
      arn: this.sim.arn('sagemaker', `endpoint-config/${spec.name.toLowerCase()}`),
      createdAt: this.sim.now,
    };
    this.configs.set(spec.name, state);
    return structuredClone(state);
  }

  deleteEndpointConfig(name: string): void {
    if (!this.configs.delete(name)) {
      throw validation(`Could not find endpoint configuration "${name}".`, 'DeleteEndpointConfig');
    }
  }

  createEndpoint(name: string, configName: string, tags: Tags): SimEndpoint {
    const sim = this.sim;
    if (sim.endpoints.has(name)) {
      throw validation(
        `Cannot create already existing endpoint "${sim.arn('sagemaker', `endpoint/${name.toLowerCase()}`)}".`,
        'CreateEndpoint',
      );
    }
    const config = this.configs.get(configName);
    if (!config) throw validation(`Could not find endpoint configuration "${configName}".`, 'CreateEndpoint');
    const ep = new SimEndpoint(
      sim.endpointByIdx.length,
      name,
      sim.arn('sagemaker', `endpoint/${name.toLowerCase()}`),
      configName,
      { ...tags },
      sim.now,
      config,
      config.modelName ?? '',
    );
    sim.endpointByIdx.push(ep);
    sim.endpoints.set(name, ep);
    if (!isAsyncConfig(config)) sim.realtime.addEndpoint(ep, config);
    else for (let i = 0; i < config.initialInstanceCount; i++) sim.launchInstance(ep, configName);
    return ep;
  }

  updateEndpoint(name: string, configName: string): void {
    const sim = this.sim;
    const ep = sim.endpoints.get(name);
    if (!ep) throw validation(`Could not find endpoint "${name}".`, 'UpdateEndpoint');
    if (ep.status !== 'InService') {
      throw validation(`Cannot update in-progress endpoint "${ep.arn}".`, 'UpdateEndpoint');
    }
    const config = this.configs.get(configName);
    if (!config) throw validation(`Could not find endpoint configuration "${configName}".`, 'UpdateEndpoint');
    if (config.instanceType !== ep.instanceType && sim.aas.targets.has(ep.resourceId)) {
      throw validation(
        `The variant(s) "[${ep.variantName}]" must be deregistered as scalable targets with AWS Application Auto Scaling before they can be removed or have their instance type updated.`,
        'UpdateEndpoint',
      );
    }
    if (configName === ep.configName) {
      throw validation(
        `Cannot update endpoint "${ep.arn}" with the configuration it already uses.`,
        'UpdateEndpoint',
      );
    }
    if (ep.realtime || !isAsyncConfig(config)) {
      // SIMPLIFIED: a real-time endpoint takes new managed-scaling limits in place; moving between
      // kinds or instance types (a new fleet for the components' copies) is not simulated.
      if (!ep.realtime || isAsyncConfig(config) || config.instanceType !== ep.instanceType)
        throw validation(
          'The simulated region updates a real-time endpoint only to another real-time configuration of the same instance type.',
          'UpdateEndpoint',
        );
      sim.realtime.updateEndpoint(ep, config);
      return;
    }
    ep.status = 'Updating';
    ep.updatingTo = configName;
    ep.lastModifiedAt = sim.now;
    const count = Math.max(1, config.initialInstanceCount);
    for (let i = 0; i < count; i++) sim.launchInstance(ep, configName);
  }

  /** A new-fleet instance booted: once all have, traffic moves over and the old fleet drains. */
  onUpdateFleetReady(ep: SimEndpoint): void {
    const sim = this.sim;
    const next = ep.updatingTo;
    if (!next) return;
    const fleet = ep.live.filter((i) => i.configName === next);
    if (fleet.some((i) => i.state !== INST_READY)) return;
    const config = this.configs.get(next);
    const old: SimInstance[] = ep.live.filter((i) => i.configName !== next);
    for (const inst of old) sim.drainInstance(ep, inst);
    // drainInstance only adjusts counts of current-config instances; the old fleet is gone from them now.
    ep.configName = next;
    ep.updatingTo = undefined;
    if (config && isAsyncConfig(config)) {
      ep.instanceType = config.instanceType;
      ep.concurrency = config.async.maxConcurrentInvocationsPerInstance ?? 1;
      ep.outputPath = config.async.outputPath;
      ep.failurePath = config.async.failurePath;
    }
    ep.readyCount = fleet.length;
    ep.bootingCount = 0;
    ep.freeSlots = fleet.length * ep.concurrency;
    ep.desired = fleet.length;
    ep.status = 'InService';
    ep.lastModifiedAt = sim.now;
    sim.dispatch(ep);
  }

  deleteEndpoint(name: string): void {
    const sim = this.sim;
    const ep = sim.endpoints.get(name);
    if (!ep) throw validation(`Could not find endpoint "${name}".`, 'DeleteEndpoint');
    if (ep.status === 'Deleting') return;
    if (ep.realtime) {
      sim.realtime.checkDelete(ep);
      sim.realtime.removeEndpoint(ep);
    }
    ep.status = 'Deleting';
    ep.lastModifiedAt = sim.now;
    for (const inst of [...ep.live]) sim.terminateInstance(ep, inst);
    ep.readyCount = 0;
    ep.bootingCount = 0;
    ep.freeSlots = 0;
    sim.abandonRequests(ep);
    ep.goneAt = sim.now + sim.opts.deleteSeconds * 1000;
    sim.heap.push(ep.goneAt, EV_ENDPOINT, ep.idx);
  }

  onEndpointTimer(idx: number, time: number): void {
    const sim = this.sim;
    const ep = sim.endpointByIdx[idx];
    if (!ep || ep.status !== 'Deleting' || ep.goneAt !== time) return;
    sim.endpoints.delete(ep.name);
    sim.endpointByIdx[idx] = undefined;
  }

  setDesiredInstanceCount(endpointName: string, variantName: string, count: number): void {
    const sim = this.sim;
    const ep = sim.endpoints.get(endpointName);
    const op = 'UpdateEndpointWeightsAndCapacities';
    if (!ep) throw validation(`Could not find endpoint "${endpointName}".`, op);
    if (ep.variantName !== variantName)
      throw validation(`The variant "${variantName}" does not exist on endpoint "${endpointName}".`, op);
    if (ep.status !== 'InService') throw validation(`Cannot update in-progress endpoint "${ep.arn}".`, op);
    if (ep.realtime)
      throw validation(
        `Endpoint "${endpointName}" uses managed instance scaling: its instance count follows its inference components' copies.`,
        op,
      );
    if (!Number.isInteger(count) || count < 0)
      throw validation('DesiredInstanceCount must be a non-negative integer.', op);
    sim.setDesired(ep, count);
  }

  describe(ep: SimEndpoint): EndpointState {
    const state: EndpointState = {
      name: ep.name,
      arn: ep.arn,
      status: ep.status,
      configName: ep.configName,
      variants: [
        {
          variantName: ep.variantName,
          currentInstanceCount: this.sim.servingCount(ep),
          desiredInstanceCount: ep.desired,
          instanceType: ep.instanceType,
        },
      ],
      tags: { ...ep.tags },
      createdAt: ep.createdAt,
      lastModifiedAt: ep.lastModifiedAt,
    };
    if (ep.failureReason) state.failureReason = ep.failureReason;
    return state;
  }

  list(): EndpointSummary[] {
    return [...this.sim.endpoints.values()]
      .sort((a, b) => b.createdAt - a.createdAt || (a.name < b.name ? -1 : 1))
      .map((ep) => ({ name: ep.name, arn: ep.arn, status: ep.status }));
  }
}
