// `sagezero import`: an endpoint made outside sagezero, read back as the `endpoints:` entry that
// describes it as it is, so that plan on it (after `apply --adopt`) changes nothing the user did not
// choose. Read-only: only Describe/List calls.
import {
  isAsyncConfig,
  scalableResourceId,
  type AsyncEndpointConfigState,
  type Cloud,
  type ModelState,
  type Tags,
} from '../cloud/types.js';
import { ownerTags } from '../ownership.js';
import { observeScaling, type ScalingObserved } from '../scaling/observe.js';
import { alarmName, policyName } from '../scaling/names.js';
import { resolveScaling, type ScalingConfig, type ScalingInput } from '../config/scaling-schema.js';
import { scalingInputFor } from '../tune/yaml.js';
import { buildScalingResources } from '../scaling/build.js';
import { planScaling } from '../scaling/plan.js';
import { parseConfig, type EndpointConfig } from '../config/load.js';

/** Why an endpoint cannot be imported; the message names it. */
export class ImportError extends Error {
  override name = 'ImportError';
}

/** One `endpoints:` entry, in the config file's own shape (what a person would write). */
export type EndpointEntry = Record<string, unknown>;

export interface ImportedEndpoint {
  name: string;
  entry: EndpointEntry;
  /** A comment to put before the entry's `scaling:` key (why it says what it says). */
  scalingComment: string;
  /** Things plan will still show, and why (said before the entry). */
  notes: string[];
  /** The names the endpoint runs on now, which sagezero keeps (provision/adopt.ts). */
  modelName: string;
  configName: string;
}

/** Tags that are not the user's: sagezero's own ownership tags, and AWS's reserved `aws:` ones. */
function userTags(tags: Tags): Tags {
  return Object.fromEntries(
    Object.entries(tags).filter(([k]) => !k.startsWith('sagezero:') && !k.startsWith('aws:')),
  );
}

/** The config file replaces `${VAR}`; a value that holds one literally is written as `$${`. */
function literal(v: string): string {
  // A function replacement: in a replacement string, "$$" itself means one "$".
  return v.replaceAll('${', () => '$${');
}

function literals(r: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, literal(v)]));
}

export async function describeForImport(cloud: Cloud, name: string): Promise<ImportedEndpoint> {
  const ep = await cloud.getEndpoint(name);
  if (!ep) throw new ImportError(`endpoint ${name} does not exist in ${cloud.region}; nothing to import`);
  const config = await cloud.getEndpointConfig(ep.configName);
  if (!config)
    throw new ImportError(
      `endpoint ${name} runs on endpoint config ${ep.configName}, which no longer exists; sagezero cannot describe it`,
    );
  if (!isAsyncConfig(config))
    throw new ImportError(
      `endpoint ${name} is a real-time endpoint; sagezero import describes asynchronous endpoints only`,
    );
  const model = await cloud.getModel(config.modelName);
  if (!model)
    throw new ImportError(
      `endpoint ${name} runs model ${config.modelName}, which no longer exists; sagezero cannot describe it`,
    );
  const notes: string[] = [];
  const entry: EndpointEntry = { name };
  if (config.variantName !== 'AllTraffic') entry.variantName = config.variantName;
  entry.model = modelEntry(name, model);
  entry.executionRoleArn = model.executionRoleArn;
  entry.instanceType = config.instanceType;
  entry.initialInstanceCount = config.initialInstanceCount;
  entry.async = asyncEntry(name, config, notes);
  const tags = userTags(ep.tags);
  if (Object.keys(tags).length > 0) entry.tags = literals(tags);
  const scaling = await observeScaling(cloud, name, scalableResourceId(name, config.variantName));
  const s = scalingEntry(cloud.region, entry, scaling);
  entry.scaling = s.input;
  return {
    name,
    entry,
    scalingComment: s.comment,
    notes,
    modelName: model.name,
    configName: config.name,
  };
}

function modelEntry(name: string, m: ModelState): EndpointEntry {
  const out: EndpointEntry = { image: literal(m.image) };
  if (m.modelDataUrl !== undefined) {
    // sagezero reads "uncompressed" from a trailing slash (provision/desired.ts explicitModel).
    const uncompressed = m.modelDataCompressed === false;
    if (uncompressed !== m.modelDataUrl.endsWith('/'))
      throw new ImportError(
        `endpoint ${name}: model ${m.name} has ${uncompressed ? 'uncompressed' : 'compressed'} model data at ${m.modelDataUrl}; sagezero tells the two apart by a trailing slash (a prefix ending in / is uncompressed), so it cannot describe this model as it is`,
      );
    out.modelDataUrl = literal(m.modelDataUrl);
  }
  if (Object.keys(m.environment).length > 0) out.environment = literals(m.environment);
  return out;
}

function asyncEntry(name: string, c: AsyncEndpointConfigState, notes: string[]): EndpointEntry {
  const a = c.async;
  const out: EndpointEntry = { outputPath: literal(a.outputPath) };
  if (a.failurePath !== undefined) out.failurePath = literal(a.failurePath);
  else
    notes.push(
      `${name}: the endpoint has no async failure path; sagezero always sets one (the default under the output bucket), so plan will show a new endpoint config for it`,
    );
  if (a.kmsKeyId !== undefined) out.kmsKeyId = literal(a.kmsKeyId);
  if (a.maxConcurrentInvocationsPerInstance !== undefined)
    out.maxConcurrentInvocationsPerInstance = a.maxConcurrentInvocationsPerInstance;
  const topics: EndpointEntry = {};
  if (a.successTopic !== undefined) topics.successTopic = a.successTopic;
  if (a.errorTopic !== undefined) topics.errorTopic = a.errorTopic;
  if (Object.keys(topics).length > 0) out.notifications = topics;
  return out;
}

const RECOMMENDED =
  'aws-recommended: 0 to 2 instances, 5 queued requests per instance, a wake policy that starts an ' +
  'instance after 2 minutes of backlog without capacity, scale-in after 15 quiet minutes';

/**
 * The scaling block the endpoint has, when sagezero's own policy set (a preset or custom) rebuilds
 * exactly what is registered; otherwise `preset: none` (sagezero leaves its scaling as it is) with
 * the recommended block in the comment.
 */
function scalingEntry(
  region: string,
  entry: EndpointEntry,
  observed: ScalingObserved,
): { input: ScalingInput; comment: string } {
  const name = entry.name as string;
  const candidate = observedScaling(name, observed);
  if (candidate) {
    const input = scalingInputFor(candidate);
    if (rebuildsExactly(region, { ...entry, scaling: input }, observed))
      return { input, comment: ` scaling: the policy set registered on ${name}, as sagezero describes it` };
  }
  const why = !observed.target
    ? `${name} has no scalable target: it runs at ${String(entry.initialInstanceCount)} instance(s) all the time`
    : `${name} has a scaling set sagezero does not describe${
        observed.foreignPolicies.length > 0 ? ` (policies ${observed.foreignPolicies.join(', ')})` : ''
      }; sagezero leaves it alone`;
  return {
    input: { preset: 'none' },
    comment: [
      ` scaling: ${why}. With preset: none sagezero manages no scaling for it, so plan changes nothing.`,
      ` To let it scale to zero, replace the block with the recommended one (${RECOMMENDED}):`,
      `   scaling:`,
      `     preset: aws-recommended`,
    ].join('\n'),
  };
}

/** sagezero's policy set as registered on the endpoint, read back into a ScalingConfig, if it is one. */
function observedScaling(name: string, o: ScalingObserved): ScalingConfig | undefined {
  if (!o.target || o.foreignPolicies.length > 0 || o.scheduledActions.length > 0) return undefined;
  const tt = o.policies.find((p) => p.policyName === policyName(name, 'target'));
  if (!tt || tt.type !== 'TargetTracking') return undefined;
  const wakeAlarm = o.alarms.find((a) => a.name === alarmName(name, 'wake'));
  const idleAlarm = o.alarms.find((a) => a.name === alarmName(name, 'idle'));
  const wake = wakeAlarm?.metric
    ? { periodSeconds: wakeAlarm.metric.periodSeconds, evaluationPeriods: wakeAlarm.evaluationPeriods }
    : false;
  const base = resolveScaling({
    preset: 'custom',
    minCapacity: 0,
    maxCapacity: 1,
    targetBacklogPerInstance: 1,
  });
  return {
    ...base,
    minCapacity: o.target.minCapacity,
    maxCapacity: o.target.maxCapacity,
    targetBacklogPerInstance: tt.targetValue,
    scaleOutCooldownSeconds: tt.scaleOutCooldownSeconds,
    scaleInCooldownSeconds: tt.scaleInCooldownSeconds,
    wake,
    idle:
      tt.disableScaleIn && idleAlarm
        ? { mode: 'step', minutes: idleAlarm.evaluationPeriods }
        : { mode: 'target-tracking', minutes: base.idle.minutes },
  };
}

/** True when the entry, loaded as the config loader loads it, builds a policy set equal to `observed`. */
function rebuildsExactly(region: string, entry: EndpointEntry, observed: ScalingObserved): boolean {
  let endpoint: EndpointConfig | undefined;
  try {
    endpoint = loadEntry(region, entry);
  } catch {
    return false;
  }
  if (!endpoint) return false;
  const set = buildScalingResources(endpoint, ownerTags('import', endpoint.name));
  return planScaling(set, observed).length === 0;
}

/** The entry as the config loader reads it (the same validation, defaults and presets). */
export function loadEntry(region: string, entry: EndpointEntry): EndpointConfig | undefined {
  const text = JSON.stringify({ region, cloud: 'aws', endpoints: [entry] });
  return parseConfig(text, 'import.yaml', {}).endpoints[0];
}
