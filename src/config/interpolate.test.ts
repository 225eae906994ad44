import { describe, expect, it } from 'vitest';
import { interpolateEnv } from './interpolate.js';

describe('interpolateEnv', () => {
  it('keeps a whole-value number or boolean typed, and leaves embedded references as strings', () => {
    const { value, issues } = interpolateEnv(
      { max: '${MAX}', on: '${ON:-true}', name: 'ep-${MAX}', token: '${TOKEN}' },
      { MAX: '3', TOKEN: '0042abc' },
    );
    expect(issues).toEqual([]);
    expect(value).toEqual({ max: 3, on: true, name: 'ep-3', token: '0042abc' });
  });

  it('names the key of a missing variable', () => {
    const { issues } = interpolateEnv({ alerts: { slack: { webhookUrl: '${SLACK_WEBHOOK_URL}' } } }, {});
    expect(issues).toEqual([
      {
        path: ['alerts', 'slack', 'webhookUrl'],
        message: 'environment variable SLACK_WEBHOOK_URL is not set',
      },
    ]);
  });
});
