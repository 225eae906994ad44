import { describe, expect, it } from 'vitest';
import type { EndpointState } from '../../cloud/types.js';
import { endpointHealth } from './endpoint.js';

const MIN = 60_000;
function state(
  status: EndpointState['status'],
  lastModifiedAt: number,
  failureReason?: string,
): EndpointState {
  return {
    name: 'llm-a',
    arn: 'arn',
    status,
    configName: 'c',
    variants: [{ variantName: 'AllTraffic', currentInstanceCount: 0, desiredInstanceCount: 1 }],
    tags: {},
    createdAt: 0,
    lastModifiedAt,
    ...(failureReason ? { failureReason } : {}),
  };
}

describe('endpointHealth', () => {
  it('reports Failed with the reason', () => {
    const [c] = endpointHealth('llm-a', state('Failed', 0, 'Image pull failed'), 10 * MIN, 45);
    expect(c?.key).toBe('endpoint-failed:llm-a');
    expect(c?.summary).toContain('Image pull failed');
  });

  it('reports Updating only once it has lasted longer than the limit', () => {
    expect(endpointHealth('llm-a', state('Updating', 0), 45 * MIN, 45)).toEqual([]);
    const [c] = endpointHealth('llm-a', state('Updating', 0), 46 * MIN, 45);
    expect(c?.key).toBe('endpoint-stuck:llm-a');
    expect(c?.summary).toContain('46m 00s');
    expect(c?.facts).toContainEqual({ label: 'Instances', value: 'AllTraffic: 0/1' });
  });

  it('says nothing about InService or missing endpoints', () => {
    expect(endpointHealth('llm-a', state('InService', 0), 999 * MIN, 45)).toEqual([]);
    expect(endpointHealth('llm-a', undefined, 999 * MIN, 45)).toEqual([]);
  });
});
