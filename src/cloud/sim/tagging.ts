// AddTags / TagResource in the simulated region: finds the resource an ARN names and merges the tags
// into the ones it has, as AWS does (a key it already has takes the new value).
import { CloudError, type Tags } from '../types.js';
import type { SimEngine } from './engine.js';

export function tagSimResource(engine: SimEngine, arn: string, tags: Tags, operation: string): void {
  const sm = engine.sagemaker;
  for (const [name, m] of sm.models) {
    if (m.arn === arn) return void sm.models.set(name, { ...m, tags: { ...m.tags, ...tags } });
  }
  for (const [name, c] of sm.configs) {
    if (c.arn === arn) return void sm.configs.set(name, { ...c, tags: { ...c.tags, ...tags } });
  }
  const holders = [
    ...[...engine.endpoints.values()].map((e) => ({ arn: e.arn, tags: e.tags })),
    ...[...engine.aas.targets.values()].map((t) => ({ arn: t.arn, tags: t.tags })),
    ...[...engine.cw.alarms.values()].map((a) => ({ arn: a.arn, tags: a.spec.tags })),
  ];
  const found = holders.find((h) => h.arn === arn);
  if (!found) throw new CloudError(`Resource ${arn} not found.`, 'ResourceNotFound', false, operation);
  // The entities hold their tags in one object each: merging into it changes what they describe.
  Object.assign(found.tags, tags);
}
