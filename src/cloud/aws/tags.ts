// The three tag shapes of the services sagezero uses, to and from the port's plain record.
import type { Tags } from '../types.js';

export interface KeyValueTag {
  Key?: string;
  Value?: string;
}

/** SageMaker and CloudWatch: `[{Key, Value}]`; omitted when empty (both reject an empty list on some calls). */
export function toTagList(tags: Tags): { Key: string; Value: string }[] | undefined {
  const list = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
  return list.length > 0 ? list : undefined;
}

export function fromTagList(list: readonly KeyValueTag[] | undefined): Tags {
  const tags: Tags = {};
  for (const t of list ?? []) if (t.Key !== undefined) tags[t.Key] = t.Value ?? '';
  return tags;
}

/** Application Auto Scaling: a `{key: value}` map; omitted when empty. */
export function toTagMap(tags: Tags): Record<string, string> | undefined {
  return Object.keys(tags).length > 0 ? { ...tags } : undefined;
}
