import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Redactor } from '../secrets.js';
import type { EndpointPoll } from '../telemetry/index.js';
import { createLogger } from './logger.js';
import { logCapacityChange } from './telemetry-task.js';

function capture(): { log: ReturnType<typeof createLogger>; lines: () => { level: number; msg: string }[] } {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _e, done) {
      text += chunk.toString();
      done();
    },
  });
  return {
    log: createLogger(new Redactor(), sink),
    lines: () =>
      text
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { level: number; msg: string }),
  };
}

const poll = (previous: number | undefined, instances: number): EndpointPoll => ({
  endpoint: 'llm',
  variant: 'AllTraffic',
  instances,
  status: 'InService',
  described: true,
  changed: previous !== instances,
  fromActivities: 0,
  ...(previous !== undefined ? { previous } : {}),
});

describe('logCapacityChange', () => {
  it('logs each capacity change at info, one line each, and nothing when the count holds', async () => {
    const { log, lines } = capture();
    for (const [from, to] of [
      [0, 1],
      [1, 3],
      [3, 2],
      [2, 0],
      [2, 2],
    ] as const)
      logCapacityChange(log, poll(from, to));
    // The first observation of an endpoint is not a change.
    logCapacityChange(log, poll(undefined, 1));
    await new Promise((r) => setImmediate(r));
    const got = lines();
    expect(got.map((l) => l.level)).toEqual([30, 30, 30, 30]);
    expect(got.map((l) => l.msg)).toEqual([
      'wake from zero: llm 0 → 1 instance',
      'scale-out: llm 1 → 3 instances',
      'scale-in: llm 3 → 2 instances',
      'scale-in to zero: llm 2 → 0 instances',
    ]);
  });
});
