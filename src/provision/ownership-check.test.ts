// A model or endpoint config found under the content-addressed name the config needs is sagezero's to
// use only when it carries this project's and endpoint's tags and has that content: plan refuses the
// endpoint otherwise (as it refuses a same-named endpoint that is not sagezero's), and apply's
// "already exists" handling (createOnce) adopts nothing plan would not reuse, on the fake and the
// simulated cloud alike.
import { describe, expect, it } from 'vitest';
import { SkippingClock } from '../clock.js';
import { FakeCloud } from '../cloud/fake.js';
import { createDrivenSimCloud } from '../cloud/sim/sim-cloud.js';
import { CloudError, type Cloud, type Tags } from '../cloud/types.js';
import type { Config } from '../config/load.js';
import { TAG_ENDPOINT, TAG_MANAGED_BY, TAG_PROJECT } from '../ownership.js';
import { testConfig } from '../../test/support/configs.js';
import { applyEndpointPlan } from './apply.js';
import { explicitModel } from './desired.js';
import { modelConflict } from './ownership-check.js';
import { buildPlan } from './plan.js';
import { renderPlan } from './render.js';
import { planHasChanges, planRefusals, type Plan } from './types.js';

const resolver = async (e: Config['endpoints'][number]) => explicitModel(e)!;
const plan = (cloud: Cloud, config: Config): Promise<Plan> => buildPlan(cloud, config, resolver);
const ctxFor = (cloud: Cloud, clock = new SkippingClock(0)) => ({
  cloud,
  clock,
  progress: () => undefined,
  pollIntervalMs: 30_000,
  timeoutMs: 3_600_000,
});
async function apply(cloud: Cloud, config: Config, clock?: SkippingClock): Promise<void> {
  for (const ep of (await plan(cloud, config)).endpoints) await applyEndpointPlan(ctxFor(cloud, clock), ep);
}
function kinds(p: Plan): string[] {
  return p.endpoints.flatMap((e) => e.changes.map((c) => `${c.action} ${c.kind}`));
}

const OURS: Tags = { [TAG_MANAGED_BY]: 'sagezero', [TAG_PROJECT]: 'test', [TAG_ENDPOINT]: 'llm-async' };
const FOREIGN: [string, Tags, RegExp][] = [
  ['untagged', {}, /it has no sagezero ownership tag/],
  ['tagged by someone else', { team: 'other' }, /it has no sagezero ownership tag/],
  [
    'another sagezero project',
    { ...OURS, [TAG_PROJECT]: 'someone-else' },
    /it belongs to sagezero project "someone-else", not "test"/,
  ],
  [
    'another endpoint of this project',
    { ...OURS, [TAG_ENDPOINT]: 'other-llm' },
    /it belongs to endpoint "other-llm" of project "test", not "llm-async"/,
  ],
];

describe('plan: a model or endpoint config already under the desired name', () => {
  for (const [label, tags, why] of FOREIGN) {
    it(`refuses the endpoint when the model is ${label}, naming it and why; apply changes nothing`, async () => {
      const cloud = new FakeCloud();
      const config = testConfig();
      const desired = (await plan(cloud, config)).endpoints[0]!.desired;
      await cloud.createModel({ ...desired.model, tags });
      const before = cloud.mutatingCalls().length;

      const p = await plan(cloud, config);
      const refusals = planRefusals(p);
      expect(refusals).toHaveLength(1);
      expect(refusals[0]).toContain(`model ${desired.model.name} (the content-addressed name`);
      expect(refusals[0]).toMatch(why);
      expect(refusals[0]).toMatch(/sagezero will not use, change or delete it/);
      expect(p.endpoints[0]!.changes).toEqual([]);

      // The printed plan says so, and does not claim the cloud matches the config.
      const text = renderPlan(p);
      expect(text).toContain(`endpoint llm-async: REFUSED: ${refusals[0]}`);
      expect(text).toMatch(
        /Refused: 1 endpoint\(s\) \(see above\); apply changes nothing until it is resolved\.$/,
      );
      expect(text).not.toMatch(/No changes/);

      await expect(applyEndpointPlan(ctxFor(cloud), p.endpoints[0]!)).rejects.toThrow(refusals[0]);
      expect(cloud.mutatingCalls().length).toBe(before);
      expect(cloud.models.get(desired.model.name)!.tags).toEqual(tags);
      expect(cloud.configs.size + cloud.endpoints.size).toBe(0);
    });
  }

  it('refuses on a foreign endpoint config under the desired name, even when the model is ours', async () => {
    const cloud = new FakeCloud();
    const config = testConfig();
    const desired = (await plan(cloud, config)).endpoints[0]!.desired;
    await cloud.createModel(desired.model);
    await cloud.createEndpointConfig({ ...desired.config, tags: { [TAG_MANAGED_BY]: 'sagezero' } });
    const refusals = planRefusals(await plan(cloud, config));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toContain(`endpoint config ${desired.config.name} (the content-addressed name`);
    expect(refusals[0]).toMatch(/it belongs to sagezero project "\?", not "test"/);
    expect(refusals[0]).not.toContain(`model ${desired.model.name}`);
  });

  it('names both when both the model and the config are foreign', async () => {
    const cloud = new FakeCloud();
    const config = testConfig();
    const desired = (await plan(cloud, config)).endpoints[0]!.desired;
    await cloud.createModel({ ...desired.model, tags: {} });
    await cloud.createEndpointConfig({ ...desired.config, tags: {} });
    const [refusal] = planRefusals(await plan(cloud, config));
    expect(refusal).toContain(`model ${desired.model.name}`);
    expect(refusal).toContain(`endpoint config ${desired.config.name}`);
    expect(refusal).toMatch(/will not use, change or delete them/);
  });

  it('refuses a model with our tags but other content than its name is the hash of (tampering)', async () => {
    const cloud = new FakeCloud();
    const config = testConfig();
    const desired = (await plan(cloud, config)).endpoints[0]!.desired;
    await cloud.createModel({ ...desired.model, image: 'someone/else:2', environment: {} });
    const [refusal] = planRefusals(await plan(cloud, config));
    expect(refusal).toMatch(
      /it has this endpoint's ownership tags and a different image, environment from the content its name is the hash of/,
    );
  });

  it('refuses when the owned endpoint already runs on a foreign config under the desired name', async () => {
    // The endpoint is ours and on the desired config's name, but that config was swapped for a
    // hand-made one (deleted and created again untagged): nothing is reused or replaced.
    const cloud = new FakeCloud();
    const config = testConfig();
    await apply(cloud, config);
    const name = cloud.endpoints.get('llm-async')!.configName;
    cloud.configs.get(name)!.tags = {};
    const [refusal] = planRefusals(await plan(cloud, config));
    expect(refusal).toContain(`endpoint config ${name}`);
    expect(refusal).toMatch(/no sagezero ownership tag/);
  });

  it('compares content as the clouds read it back: compressed model data is the default', async () => {
    const desired = (await plan(new FakeCloud(), testConfig())).endpoints[0]!.desired.model;
    expect(desired.modelDataCompressed).toBe(true);
    const existing = { ...desired, arn: 'arn', createdAt: 0 };
    // AWS answers a model.tar.gz model with ModelDataUrl and no compression flag.
    expect(modelConflict({ ...existing, modelDataCompressed: undefined }, desired)).toBeUndefined();
    expect(modelConflict({ ...existing, modelDataCompressed: false }, desired)).toMatch(
      /a different modelDataCompressed/,
    );
    expect(modelConflict({ ...existing, environment: { ...desired.environment, X: '1' } }, desired)).toMatch(
      /a different environment/,
    );
  });

  it("reuses this endpoint's own model and config with the same content, as before", async () => {
    const cloud = new FakeCloud();
    const config = testConfig();
    await apply(cloud, config);
    // A run killed after the model and config were made, before the endpoint: only the endpoint is left.
    cloud.endpoints.clear();
    cloud.targets.clear();
    cloud.policies.clear();
    cloud.alarms.clear();
    const p = await plan(cloud, config);
    expect(planRefusals(p)).toEqual([]);
    expect(kinds(p)).not.toContain('create model');
    expect(kinds(p)).not.toContain('create endpoint-config');
    expect(kinds(p)).toContain('create endpoint');
    await apply(cloud, config);
    expect(planHasChanges(await plan(cloud, config))).toBe(false);
  });
});

/**
 * A cloud whose creates of `ops` are applied and then answered "already exists" (the answer to the
 * first attempt lost, the retry meeting the resource), optionally after `racer` put something under
 * the name first (someone else's create landing between plan and apply).
 */
function lossy<C extends Cloud>(inner: C, ops: string[], racer?: (spec: unknown) => Promise<void>): C {
  return new Proxy(inner, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== 'function') return v;
      if (typeof prop !== 'string' || !ops.includes(prop)) return v.bind(target);
      return async (...args: unknown[]) => {
        if (racer) await racer(args[0]);
        else await (v as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        throw new CloudError(`Cannot create already existing thing`, 'ValidationException', false, prop);
      };
    },
  });
}

describe('apply: a create answered "already exists" (createOnce)', () => {
  it('adopts what the lost attempt made on the fake cloud: one run, no duplicates', async () => {
    const inner = new FakeCloud();
    const config = testConfig();
    await apply(lossy(inner, ['createModel', 'createEndpointConfig', 'createEndpoint']), config);
    expect(planHasChanges(await plan(inner, config))).toBe(false);
    expect([inner.models.size, inner.configs.size, inner.endpoints.size]).toEqual([1, 1, 1]);
  });

  it('adopts what the lost attempt made on the simulated cloud: one run, no duplicates', async () => {
    const { cloud, engine } = createDrivenSimCloud({ startTime: Date.UTC(2026, 0, 5) });
    const config = testConfig('', { cloud: 'sim' });
    const ctx = {
      ...ctxFor(lossy(cloud, ['createModel', 'createEndpointConfig', 'createEndpoint'])),
      clock: cloud.clock,
    };
    for (const ep of (await plan(ctx.cloud, config)).endpoints) await applyEndpointPlan(ctx, ep);
    expect(planHasChanges(await plan(cloud, config))).toBe(false);
    expect([engine.sagemaker.models.size, engine.sagemaker.configs.size]).toEqual([1, 1]);
    expect((await cloud.getEndpoint('llm-async'))?.status).toBe('InService');
  });

  const racers: [string, (tags: Tags) => Tags, RegExp][] = [
    ['untagged', () => ({}), /it has no sagezero ownership tag/],
    // The old check looked at sagezero:managed-by alone and adopted these two.
    [
      "another project's",
      (t) => ({ ...t, [TAG_PROJECT]: 'someone-else' }),
      /belongs to sagezero project "someone-else"/,
    ],
    [
      "another endpoint's",
      (t) => ({ ...t, [TAG_ENDPOINT]: 'other-llm' }),
      /belongs to endpoint "other-llm" of project "test"/,
    ],
  ];
  for (const [label, tagsOf, why] of racers) {
    it(`does not adopt ${label} model that appeared between plan and apply`, async () => {
      const cloud = new FakeCloud();
      const config = testConfig();
      const p = await plan(cloud, config);
      const desired = p.endpoints[0]!.desired;
      const racing = lossy(cloud, ['createModel'], async () => {
        await cloud.createModel({ ...desired.model, tags: tagsOf(desired.model.tags) });
      });
      const e = await applyEndpointPlan(ctxFor(racing), p.endpoints[0]!).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(CloudError);
      expect((e as CloudError).code).toBe('ResourceExists');
      expect((e as CloudError).message).toMatch(
        new RegExp(`^model ${desired.model.name} exists and sagezero will not adopt it: `),
      );
      expect((e as CloudError).message).toMatch(why);
      // Never phrased as the harmless "already exists" a caller could take for a retried create.
      expect((e as CloudError).message).not.toMatch(/already exist/i);
      // Nothing was built on it.
      expect(cloud.configs.size + cloud.endpoints.size).toBe(0);
    });
  }

  it('does not adopt a model with our tags and other content, nor an endpoint on another config', async () => {
    const cloud = new FakeCloud();
    const config = testConfig();
    const p = await plan(cloud, config);
    const desired = p.endpoints[0]!.desired;
    const tampered = lossy(cloud, ['createModel'], async () => {
      await cloud.createModel({ ...desired.model, image: 'someone/else:2' });
    });
    await expect(applyEndpointPlan(ctxFor(tampered), p.endpoints[0]!)).rejects.toThrow(
      /ownership tags and a different image from the content/,
    );

    const other = new FakeCloud();
    const q = await plan(other, config);
    const elsewhere = lossy(other, ['createEndpoint'], async () => {
      await other.createModel({ ...desired.model, name: 'x-model' });
      await other.createEndpointConfig({ ...desired.config, name: 'x-config', modelName: 'x-model' });
      await other.createEndpoint(desired.endpointName, 'x-config', desired.tags);
    });
    await expect(applyEndpointPlan(ctxFor(elsewhere), q.endpoints[0]!)).rejects.toThrow(
      /endpoint llm-async exists and sagezero will not adopt it: it has this endpoint's ownership tags but runs on endpoint config x-config/,
    );
  });

  it('passes on other errors, and "already exists" for something gone again, unchanged', async () => {
    const cloud = new FakeCloud();
    const p = await plan(cloud, testConfig());
    const vanished = lossy(cloud, ['createModel'], async () => undefined);
    await expect(applyEndpointPlan(ctxFor(vanished), p.endpoints[0]!)).rejects.toThrow(
      'Cannot create already existing thing',
    );
  });
});
