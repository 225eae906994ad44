import { describe, expect, it } from 'vitest';
import { CloudError } from '../types.js';
import { allPages, attempt, createContext } from './call.js';
import type { AwsClients } from './clients.js';

describe('allPages', () => {
  it('follows NextToken until it runs out, keeping order', async () => {
    const pages: Record<string, { items: number[]; next?: string }> = {
      start: { items: [1, 2], next: 'b' },
      b: { items: [], next: 'c' },
      c: { items: [3] },
    };
    const asked: (string | undefined)[] = [];
    const items = await allPages(
      async (token) => {
        asked.push(token);
        return pages[token ?? 'start'] ?? { items: [] };
      },
      (p) => p.items,
      (p) => p.next,
    );
    expect(items).toEqual([1, 2, 3]);
    expect(asked).toEqual([undefined, 'b', 'c']);
  });

  it('stops when a server hands back the token it was given', async () => {
    let calls = 0;
    const items = await allPages(
      async () => {
        calls++;
        return { items: [calls], next: 'same' };
      },
      (p) => p.items,
      (p) => p.next,
    );
    expect(items).toEqual([1, 2]);
  });
});

describe('attempt', () => {
  it('wraps a failure in a CloudError that names the service, operation and resource', async () => {
    const ctx = createContext({} as AwsClients, 'us-east-1', undefined, []);
    const failing = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: {} });
    const err = await attempt(ctx, 'cloudwatch', 'DescribeAlarms', 'alarms starting with "x"', () =>
      Promise.reject(failing),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloudError);
    expect(err).toMatchObject({
      message:
        'CloudWatch DescribeAlarms for alarms starting with "x" failed: Rate exceeded (ThrottlingException)',
      code: 'ThrottlingException',
      retryable: true,
    });
  });
});
