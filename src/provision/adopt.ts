// Adopting an endpoint made outside sagezero (`sagezero apply --adopt NAME`), and the naming rule that
// lets an adopted endpoint stay as it is.
//
// Why names are kept by content rather than written into the config: sagezero names models and endpoint
// configs after their content (naming.ts), so an endpoint made by hand runs on a model and a config whose
// names are not the hashes sagezero would choose. Had plan insisted on its own names, the first apply
// after adoption would create a copy of each under the hashed name and move the endpoint to it (an
// UpdateEndpoint: minutes of a blue/green deployment) for no change at all. Writing the adopted names
// into the YAML would instead need a key that must be deleted by hand whenever the content changes, or
// it pins a name to content it no longer has. So the rule is about content: a model or endpoint config
// the endpoint runs on now, that is this project's and this endpoint's (tagged, by sagezero or by
// adoption) and whose content equals what the config asks for, stands in for the hashed name. When the
// config changes the content, the desired resource no longer equals it, the hashed name applies again,
// and the endpoint moves to a new model/config as for any change (the adopted ones are then deleted as
// replaced, being tagged). For resources sagezero made itself the rule changes nothing: their names are
// the hashes already.
import type { Cloud, EndpointConfigState, ModelState, Tags } from '../cloud/types.js';
import { isAsyncConfig, scalableResourceId } from '../cloud/types.js';
import type { EndpointConfig } from '../config/load.js';
import { ownerTags, TAG_MANAGED_BY, TAG_PROJECT } from '../ownership.js';
import { observeScaling } from '../scaling/observe.js';
import type { DesiredEndpoint } from './desired.js';
import { contentName } from './naming.js';
import { CONFIG_CONTENT_FIELDS, endpointConfigConflict, modelConflict } from './ownership-check.js';

/**
 * `desired` with the names of the model and endpoint config the endpoint runs on now, where those are
 * owned and have exactly the desired content (see the comment at the top); otherwise `desired` as is.
 */
export function keepAdoptedNames(
  desired: DesiredEndpoint,
  currentModel: ModelState | undefined,
  currentConfig: EndpointConfigState | undefined,
): DesiredEndpoint {
  let model = desired.model;
  // modelConflict checks both: this project's and endpoint's tags, and the content the name stands for.
  if (currentModel && currentModel.name !== model.name) {
    const asAdopted = { ...model, name: currentModel.name };
    if (modelConflict(currentModel, asAdopted) === undefined) model = asAdopted;
  }
  // The config's content names its model: with the model kept under its adopted name, a new config
  // is named after that content, so its name stays the hash of what it holds.
  let config = desired.config;
  if (model !== desired.model) {
    const content = { ...config, modelName: model.name };
    const hashed = Object.fromEntries(CONFIG_CONTENT_FIELDS.map((f) => [f, content[f]]));
    config = { ...content, name: contentName(desired.endpointName, hashed) };
  }
  if (currentConfig && currentConfig.name !== config.name) {
    const asAdopted = { ...config, name: currentConfig.name };
    if (endpointConfigConflict(currentConfig, asAdopted) === undefined) config = asAdopted;
  }
  return model === desired.model && config === desired.config ? desired : { ...desired, model, config };
}

export type AdoptKind = 'model' | 'endpoint-config' | 'endpoint' | 'scalable-target' | 'alarm';

export interface AdoptResource {
  kind: AdoptKind;
  name: string;
  /** Undefined when the cloud gave none: such a resource cannot be tagged and is named as not tagged. */
  arn?: string;
  /** The ownership tags it lacks (empty: it has them already). */
  tags: Tags;
}

export interface AdoptPlan {
  endpoint: string;
  project: string;
  resources: AdoptResource[];
}

/** Why an endpoint cannot be adopted: a message for the person, naming the endpoint. */
export class AdoptError extends Error {
  override name = 'AdoptError';
}

/**
 * What `apply --adopt NAME` would tag: the endpoint, the endpoint config and model it runs on, and, if
 * registered, its scalable target and sagezero-named alarms. Read-only.
 */
export async function planAdoption(
  cloud: Cloud,
  project: string,
  endpoint: EndpointConfig,
): Promise<AdoptPlan> {
  const name = endpoint.name;
  const ep = await cloud.getEndpoint(name);
  if (!ep) throw new AdoptError(`--adopt ${name}: there is no endpoint ${name} in ${cloud.region} to adopt`);
  const foreign = foreignOwner(ep.tags, project);
  if (foreign)
    throw new AdoptError(
      `--adopt ${name}: endpoint ${name} belongs to sagezero project "${foreign}"; sagezero does not take an endpoint from another project`,
    );
  const config = await cloud.getEndpointConfig(ep.configName);
  if (!config)
    throw new AdoptError(
      `--adopt ${name}: endpoint ${name} runs on endpoint config ${ep.configName}, which no longer exists; sagezero cannot describe it`,
    );
  if (!isAsyncConfig(config))
    throw new AdoptError(
      `--adopt ${name}: endpoint ${name} is a real-time endpoint; --adopt takes asynchronous endpoints only`,
    );
  const model = await cloud.getModel(config.modelName);
  if (!model)
    throw new AdoptError(
      `--adopt ${name}: endpoint ${name} runs model ${config.modelName}, which no longer exists; sagezero cannot describe it`,
    );
  const wanted = ownerTags(project, name);
  const resources: AdoptResource[] = [
    item('model', model.name, model.arn, model.tags, wanted),
    item('endpoint-config', config.name, config.arn, config.tags, wanted),
    item('endpoint', ep.name, ep.arn, ep.tags, wanted),
  ];
  for (const r of resources) {
    const other = foreignOwner(r.kind === 'model' ? model.tags : config.tags, project);
    if (r.kind !== 'endpoint' && other)
      throw new AdoptError(
        `--adopt ${name}: ${r.kind} ${r.name} belongs to sagezero project "${other}"; sagezero does not take it from another project`,
      );
  }
  const scaling = await observeScaling(cloud, name, scalableResourceId(name, endpoint.variantName));
  if (scaling.target)
    resources.push(
      item('scalable-target', scaling.target.resourceId, scaling.target.arn, scaling.target.tags, wanted),
    );
  for (const a of scaling.alarms) resources.push(item('alarm', a.name, a.arn, a.tags, wanted));
  return { endpoint: name, project, resources };
}

function item(
  kind: AdoptKind,
  name: string,
  arn: string | undefined,
  has: Tags,
  wanted: Tags,
): AdoptResource {
  const tags = Object.fromEntries(Object.entries(wanted).filter(([k, v]) => has[k] !== v));
  return arn ? { kind, name, arn, tags } : { kind, name, tags };
}

/** The other sagezero project a resource is tagged for, if any. */
function foreignOwner(tags: Tags, project: string): string | undefined {
  if (tags[TAG_MANAGED_BY] !== 'sagezero') return undefined;
  const p = tags[TAG_PROJECT];
  return p !== undefined && p !== project ? p : undefined;
}

export function adoptionIsDone(plan: AdoptPlan): boolean {
  return plan.resources.every((r) => Object.keys(r.tags).length === 0);
}

/** The listing shown before asking: each resource, and the tags it gets (or why it gets none). */
export function renderAdoption(plan: AdoptPlan): string {
  const lines = [`sagezero adopt: endpoint ${plan.endpoint} into project "${plan.project}"`, ''];
  for (const r of plan.resources) {
    const keys = Object.entries(r.tags).map(([k, v]) => `${k}=${v}`);
    const what = `${r.kind} ${r.name}`;
    if (keys.length === 0) lines.push(`  = ${what}: already tagged`);
    else if (!r.arn) lines.push(`  ! ${what}: not tagged (the cloud reports no ARN for it)`);
    else lines.push(`  + ${what}: tag ${keys.join(', ')}`);
  }
  const n = plan.resources.filter((r) => r.arn && Object.keys(r.tags).length > 0).length;
  lines.push('', n === 0 ? 'Nothing to tag.' : `Adopt: ${n} resource(s) to tag. Nothing else changes.`);
  return lines.join('\n');
}

/** Tags what the plan lists, model first and endpoint last (an interrupted run is finished by the next). */
export async function executeAdoption(
  cloud: Cloud,
  plan: AdoptPlan,
  progress: (line: string) => void,
): Promise<AdoptResource[]> {
  const done: AdoptResource[] = [];
  for (const r of plan.resources) {
    if (!r.arn || Object.keys(r.tags).length === 0) continue;
    await cloud.tagResource(r.arn, r.tags);
    progress(`tagged ${r.kind} ${r.name}`);
    done.push(r);
  }
  return done;
}
