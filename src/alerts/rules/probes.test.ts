import { describe, expect, it } from 'vitest';
import type { ProbeResult } from '../../store/probes.js';
import { coldStartOverSlo, probeFailed } from './probes.js';

const H = 3600_000;
function probe(p: Partial<ProbeResult> & { startedAt: number }): ProbeResult {
  return {
    id: `p${p.startedAt}`,
    endpoint: 'llm-a',
    instancesAtStart: 0,
    cold: true,
    outcome: 'success',
    ...p,
  };
}

describe('coldStartOverSlo', () => {
  it('fires on the latest cold success over the SLO, naming the phase that dominated', () => {
    const c = coldStartOverSlo(
      'llm-a',
      [
        probe({ startedAt: 1 * H, totalS: 500 }),
        probe({ startedAt: 2 * H, totalS: 800, queuedS: 120, scaleOutS: 600, inServiceToOutputS: 80 }),
        probe({ startedAt: 3 * H, totalS: 4, cold: false, instancesAtStart: 1 }), // warm: no say
      ],
      720,
    );
    expect(c?.key).toBe('cold-start-slo:llm-a');
    expect(c?.summary).toContain('13m 20s');
    expect(c?.summary).toContain('12m 00s');
    expect(c?.facts).toContainEqual({ label: 'Scale-out to InService', value: '10m 00s' });
    expect(c?.action).toMatch(/booting the instance/);
  });

  it('stays quiet when the latest cold start met the SLO, even after an earlier miss', () => {
    expect(
      coldStartOverSlo(
        'llm-a',
        [probe({ startedAt: 1 * H, totalS: 900 }), probe({ startedAt: 2 * H, totalS: 700 })],
        720,
      ),
    ).toBeUndefined();
  });

  it('ignores failed cold probes (the probe-failed rule covers them) and endpoints without an SLO', () => {
    expect(
      coldStartOverSlo('llm-a', [probe({ startedAt: H, totalS: 1800, outcome: 'timeout' })], 720),
    ).toBeUndefined();
    expect(coldStartOverSlo('llm-a', [probe({ startedAt: H, totalS: 9000 })], undefined)).toBeUndefined();
  });

  it('points at the wake alarm when queueing dominated', () => {
    const c = coldStartOverSlo(
      'llm-a',
      [probe({ startedAt: H, totalS: 900, queuedS: 600, scaleOutS: 250, inServiceToOutputS: 50 })],
      720,
    );
    expect(c?.action).toMatch(/wake alarm/);
  });
});

describe('probeFailed', () => {
  it('fires on a timeout or model error as the latest finished probe', () => {
    const t = probeFailed('llm-a', [
      probe({ startedAt: H }),
      probe({ startedAt: 2 * H, outcome: 'timeout', totalS: 1800 }),
    ]);
    expect(t?.key).toBe('probe-failed:llm-a');
    expect(t?.summary).toMatch(/timed out after 30m 00s/);
    expect(t?.severity).toBe('critical');
    const m = probeFailed('llm-a', [
      probe({ startedAt: H, outcome: 'model_error', errorMessage: 'CUDA OOM' }),
    ]);
    expect(m?.facts).toContainEqual({ label: 'Detail', value: 'CUDA OOM' });
  });

  it('clears when a later probe succeeds; running and interrupted probes do not count', () => {
    expect(
      probeFailed('llm-a', [probe({ startedAt: H, outcome: 'error' }), probe({ startedAt: 2 * H })]),
    ).toBeUndefined();
    const still = probeFailed('llm-a', [
      probe({ startedAt: H, outcome: 'error' }),
      probe({ startedAt: 2 * H, outcome: 'interrupted' }),
      probe({ startedAt: 3 * H, outcome: 'running' }),
    ]);
    expect(still?.facts[0]).toEqual({ label: 'Outcome', value: 'error' });
  });
});
