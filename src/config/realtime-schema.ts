// `kind: realtime` endpoints: a real-time endpoint whose variant has no model, managed instance
// scaling that can release every instance, and one inference component per model, each with its own
// copy scaling. The AWS facts behind each rule are cited where the rule is.
import { z } from 'zod';
import { gpusPerInstance } from '../cost/gpus.js';
import { probeConfigSchema } from '../probe/config.js';
import { tuneConfigSchema } from '../tune/config.js';
import * as c from './constraints.js';
import { modelSchema } from './model-schema.js';
import { assumedBootP90Seconds, DEFAULT_BOOT_PRIOR_SECONDS, wakeCooldownFor } from './scaling-schema.js';

/** InferenceComponentName: the same pattern and 63-character limit as other SageMaker names. */
export const MAX_COMPONENT_NAME_LENGTH = 63;

/**
 * The inference component's SageMaker name: `<endpoint>-<component>`, so components of different
 * endpoints never collide in the region's single namespace of component names.
 */
export function inferenceComponentName(endpointName: string, componentName: string): string {
  return `${endpointName}-${componentName}`;
}

export const REALTIME_PRESETS = ['aws-recommended', 'custom'] as const;
export type RealtimePreset = (typeof REALTIME_PRESETS)[number];

const realtimeWakeSchema = z.strictObject({
  periodSeconds: z
    .number()
    .int()
    .refine((p) => p === 10 || p === 30 || (p >= 60 && p % 60 === 0 && p <= 86_400), {
      error: 'must be 10, 30, or a multiple of 60 up to 86400 (CloudWatch alarm periods)',
    })
    .optional()
    .describe('Period of the wake alarm on NoCapacityInvocationFailures, seconds (default 60).'),
  cooldownSeconds: z
    .number()
    .int()
    .min(0)
    .max(86_400)
    .optional()
    .describe(
      'Cooldown of the wake step policy. Default: max(300, boot p90 + period + 60 s), in whole minutes, ' +
        'the boot assumed from the component tune.coldStartPriorSeconds (480 s -> 720 s), so failures ' +
        'during the first wake do not add a second copy.',
    ),
});

export const realtimeScalingInputSchema = z
  .strictObject({
    preset: z
      .enum(REALTIME_PRESETS)
      .default('aws-recommended')
      .describe(
        'aws-recommended: copies 0..maxCopies, target tracking on concurrent requests per copy (target 5) plus a ' +
          'wake step policy (+1 copy) on an alarm on NoCapacityInvocationFailures >= 1 in one minute; custom: ' +
          'the same policy set with every value given here.',
      ),
    minCopies: z.number().int().min(0).max(1000).optional(),
    maxCopies: z
      .number()
      .int()
      .min(1, { error: 'must be at least 1 (a component that can never run serves nothing)' })
      .max(1000)
      .optional()
      .describe('Default: managedScaling.maxInstances times the copies that fit on one instance.'),
    targetConcurrentRequestsPerCopy: z
      .number()
      .positive({ error: 'must be a positive number' })
      .max(1e6)
      .optional()
      .describe('Target of SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution.'),
    scaleOutCooldownSeconds: z.number().int().min(0).max(86_400).optional(),
    scaleInCooldownSeconds: z.number().int().min(0).max(86_400).optional(),
    wake: z
      .union([realtimeWakeSchema, z.literal(false)])
      .optional()
      .describe('Wake policy, or false for none (then a component at zero wakes only by hand).'),
  })
  .describe('Copy scaling of one inference component: scalable target, target tracking, wake step policy.');

export type RealtimeScalingInput = z.input<typeof realtimeScalingInputSchema>;
type RealtimeScalingParsed = z.output<typeof realtimeScalingInputSchema>;

export interface RealtimeWakeConfig {
  periodSeconds: number;
  cooldownSeconds: number;
}

/** A component's scaling block with the preset filled in. */
export interface RealtimeScalingConfig {
  preset: RealtimePreset;
  minCopies: number;
  maxCopies: number;
  targetConcurrentRequestsPerCopy: number;
  scaleOutCooldownSeconds: number;
  scaleInCooldownSeconds: number;
  wake: RealtimeWakeConfig | false;
}

/** What `aws-recommended` sets; `custom` requires the first three explicitly. See src/scaling/realtime.ts. */
export const REALTIME_PRESET_VALUES = {
  minCopies: 0,
  targetConcurrentRequestsPerCopy: 5,
  scaleOutCooldownSeconds: 300,
  scaleInCooldownSeconds: 300,
  wakePeriodSeconds: 60,
} as const;

const componentSchema = z.strictObject({
  name: c.sagemakerName.describe('Component name; the SageMaker name is <endpoint>-<name>.'),
  model: modelSchema,
  acceleratorsPerCopy: z
    .number()
    .int({ error: 'must be a whole number of accelerators (GPUs or Neuron devices)' })
    .min(0)
    .max(16)
    .describe('ComputeResourceRequirements.NumberOfAcceleratorDevicesRequired; 0 on CPU instances.'),
  memoryMb: z
    .number()
    .int()
    .min(128, { error: 'must be at least 128 MB' })
    .max(4_000_000)
    .describe('ComputeResourceRequirements.MinMemoryRequiredInMb per copy.'),
  cpuCores: z
    .number()
    .min(0.25, { error: 'must be at least 0.25' })
    .max(1000)
    .optional()
    .describe('ComputeResourceRequirements.NumberOfCpuCoresRequired per copy.'),
  scaling: realtimeScalingInputSchema.optional(),
  tags: c.tags.default({}),
  probe: probeConfigSchema.optional(),
  tune: tuneConfigSchema.optional(),
});

const managedScalingSchema = z
  .strictObject({
    minInstances: z
      .number()
      .int()
      .min(0)
      .max(1000)
      .default(0)
      .describe('ManagedInstanceScaling.MinInstanceCount; 0 releases every instance when no copy runs.'),
    maxInstances: z
      .number()
      .int()
      .min(1, { error: 'must be at least 1 (an endpoint that can never run serves nothing)' })
      .max(1000)
      .describe('ManagedInstanceScaling.MaxInstanceCount.'),
    scaleIn: z
      .strictObject({
        policy: z
          .enum(['idle-release', 'consolidation'])
          .default('idle-release')
          .describe(
            'idle-release: release an instance once no copy runs on it; consolidation: also move copies ' +
              'to free instances (ScaleInPolicy.Strategy IDLE_RELEASE / CONSOLIDATION).',
          ),
        cooldownMinutes: z
          .number()
          .int()
          .min(5, { error: 'must be between 5 and 1440 minutes (AWS limit)' })
          .max(1440, { error: 'must be between 5 and 1440 minutes (AWS limit)' })
          .default(20)
          .describe('ScaleInPolicy.CooldownInMinutes: how long an idle instance stays (AWS default 20).'),
        maximumStepSize: z.number().int().min(1).max(1000).optional(),
      })
      .optional(),
  })
  .describe('Managed instance scaling of the variant.');

export const realtimeEndpointSchema = z.strictObject({
  kind: z.literal('realtime').describe('A real-time endpoint with inference components.'),
  name: c.sagemakerName.describe('SageMaker endpoint name.'),
  variantName: c.sagemakerName.default('AllTraffic'),
  executionRoleArn: c.roleArn.describe('Role SageMaker assumes for the endpoint and its components.'),
  instanceType: c.instanceType,
  initialInstanceCount: z
    .number()
    .int()
    .min(1, { error: 'must be at least 1 (AWS creates the variant with instances; scaling releases them)' })
    .max(1000)
    .default(1),
  managedScaling: managedScalingSchema,
  routingStrategy: z
    .enum(['least-outstanding-requests', 'random'])
    .default('least-outstanding-requests')
    .describe('RoutingConfig.RoutingStrategy.'),
  components: z.array(componentSchema).min(1, {
    error: 'must list at least one component (a realtime endpoint serves its models through them)',
  }),
  tags: c.tags.default({}),
  pricePerHourUsd: z.number().positive().max(1000).optional().describe('Override the hourly price.'),
  baselineInstances: z.number().int().min(1).max(1000).optional(),
  // Keys of async endpoints, refused by name: a strict object would only say "unknown key".
  model: z
    .never({
      error: 'is not allowed on a kind: realtime endpoint; each components[] entry has its own model',
    })
    .optional(),
  async: z
    .never({
      error:
        'is not allowed on a kind: realtime endpoint (real-time requests are not queued); remove it or set kind: async',
    })
    .optional(),
  scaling: z
    .never({
      error: 'is not allowed on a kind: realtime endpoint; scaling is per component (components[].scaling)',
    })
    .optional(),
  probe: z
    .never({
      error: 'is not allowed on a kind: realtime endpoint; probes are per component (components[].probe)',
    })
    .optional(),
  tune: z
    .never({
      error: 'is not allowed on a kind: realtime endpoint; tune is per component (components[].tune)',
    })
    .optional(),
});

export type RealtimeEndpointParsed = z.output<typeof realtimeEndpointSchema>;
type ComponentParsed = z.output<typeof componentSchema>;

export type ComponentConfig = Omit<ComponentParsed, 'scaling'> & {
  /** The SageMaker InferenceComponentName. */
  componentName: string;
  scaling: RealtimeScalingConfig;
};

export type ManagedScalingConfig = z.output<typeof managedScalingSchema>;

/** A loaded `kind: realtime` endpoint, every default and preset filled in. */
export type RealtimeEndpointConfig = Omit<
  RealtimeEndpointParsed,
  'components' | 'model' | 'async' | 'scaling' | 'probe' | 'tune'
> & {
  components: ComponentConfig[];
};

/** Copies of a component that fit on one instance, by accelerators; undefined when not known. */
export function copiesPerInstance(instanceType: string, acceleratorsPerCopy: number): number | undefined {
  const gpus = gpusPerInstance(instanceType);
  if (gpus === undefined || acceleratorsPerCopy === 0) return undefined;
  return Math.floor(gpus / acceleratorsPerCopy);
}

export function resolveRealtimeScaling(
  input: RealtimeScalingParsed | undefined,
  ctx: { maxInstances: number; copiesPerInstance: number | undefined; bootPriorSeconds?: number | undefined },
): RealtimeScalingConfig {
  const raw = input ?? { preset: 'aws-recommended' as const };
  const p = REALTIME_PRESET_VALUES;
  const wakeIn = raw.wake ?? {};
  const wake: RealtimeWakeConfig | false =
    wakeIn === false
      ? false
      : {
          periodSeconds: wakeIn.periodSeconds ?? p.wakePeriodSeconds,
          cooldownSeconds:
            wakeIn.cooldownSeconds ??
            wakeCooldownFor(
              assumedBootP90Seconds(ctx.bootPriorSeconds ?? DEFAULT_BOOT_PRIOR_SECONDS),
              // The alarm's period stands for the wake alarm's lag; at least a minute for evaluation.
              Math.max(60, wakeIn.periodSeconds ?? p.wakePeriodSeconds),
            ),
        };
  return {
    preset: raw.preset,
    minCopies: raw.minCopies ?? p.minCopies,
    maxCopies: raw.maxCopies ?? ctx.maxInstances * Math.max(1, ctx.copiesPerInstance ?? 1),
    targetConcurrentRequestsPerCopy: raw.targetConcurrentRequestsPerCopy ?? p.targetConcurrentRequestsPerCopy,
    scaleOutCooldownSeconds: raw.scaleOutCooldownSeconds ?? p.scaleOutCooldownSeconds,
    scaleInCooldownSeconds: raw.scaleInCooldownSeconds ?? p.scaleInCooldownSeconds,
    wake,
  };
}

export function resolveRealtimeEndpoint(e: RealtimeEndpointParsed): RealtimeEndpointConfig {
  const { components, model: _m, async: _a, scaling: _s, probe: _p, tune: _t, ...rest } = e;
  return {
    ...rest,
    components: components.map((comp) => ({
      ...comp,
      componentName: inferenceComponentName(e.name, comp.name),
      scaling: resolveRealtimeScaling(comp.scaling, {
        maxInstances: e.managedScaling.maxInstances,
        copiesPerInstance: copiesPerInstance(e.instanceType, comp.acceleratorsPerCopy),
        bootPriorSeconds: comp.tune?.coldStartPriorSeconds,
      }),
    })),
  };
}

/** Cross-field rules of a realtime endpoint; paths are relative to the endpoint. */
export function checkRealtimeEndpoint(e: RealtimeEndpointParsed, ctx: z.RefinementCtx): void {
  const ms = e.managedScaling;
  if (ms.minInstances > ms.maxInstances) {
    ctx.addIssue({
      code: 'custom',
      path: ['managedScaling', 'minInstances'],
      message: `must not exceed managedScaling.maxInstances (${ms.maxInstances})`,
    });
  }
  // Refinements also run when a field failed: a maxInstances of 0 has its own message already.
  if (ms.maxInstances >= 1 && e.initialInstanceCount > ms.maxInstances) {
    ctx.addIssue({
      code: 'custom',
      path: ['initialInstanceCount'],
      message: `must not exceed managedScaling.maxInstances (${ms.maxInstances})`,
    });
  }
  const gpus = gpusPerInstance(e.instanceType);
  const seen = new Map<string, number>();
  e.components.forEach((comp, i) => {
    const at = (...p: PropertyKey[]): PropertyKey[] => ['components', i, ...p];
    const prev = seen.get(comp.name);
    if (prev !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: at('name'),
        message: `duplicates components[${prev}].name "${comp.name}"`,
      });
    }
    seen.set(comp.name, i);
    const full = inferenceComponentName(e.name, comp.name);
    if (full.length > MAX_COMPONENT_NAME_LENGTH) {
      ctx.addIssue({
        code: 'custom',
        path: at('name'),
        message:
          `makes the inference component name "${full}" ${full.length} characters long; SageMaker allows ` +
          `${MAX_COMPONENT_NAME_LENGTH} (<endpoint name>-<component name>): shorten one of them`,
      });
    }
    if (gpus !== undefined && comp.acceleratorsPerCopy > gpus) {
      ctx.addIssue({
        code: 'custom',
        path: at('acceleratorsPerCopy'),
        message:
          gpus === 0
            ? `must be 0: ${e.instanceType} has no accelerators`
            : `must be at most ${gpus} (${e.instanceType} has ${gpus}); a copy cannot span instances`,
      });
    }
    checkComponentScaling(comp.scaling, ctx, at('scaling'));
  });
}

function checkComponentScaling(
  input: RealtimeScalingParsed | undefined,
  ctx: z.RefinementCtx,
  at: PropertyKey[],
): void {
  if (!input) return;
  if (input.preset === 'custom') {
    for (const key of ['minCopies', 'maxCopies', 'targetConcurrentRequestsPerCopy'] as const) {
      if (input[key] === undefined) {
        ctx.addIssue({ code: 'custom', path: [...at, key], message: 'is required with preset: custom' });
      }
    }
  }
  const min = input.minCopies ?? REALTIME_PRESET_VALUES.minCopies;
  if (input.maxCopies !== undefined && min > input.maxCopies) {
    ctx.addIssue({
      code: 'custom',
      path: [...at, input.minCopies !== undefined ? 'minCopies' : 'maxCopies'],
      message: `minCopies (${min}) must not exceed maxCopies (${input.maxCopies})`,
    });
  }
}

/** Valid, but likely not what the user wants. */
export function realtimeWarnings(e: RealtimeEndpointConfig): string[] {
  const out: string[] = [];
  for (const comp of e.components) {
    const s = comp.scaling;
    if (s.minCopies === 0 && s.wake === false) {
      out.push(
        `${e.name}/${comp.name}: minCopies is 0 and there is no wake policy: at zero copies every ` +
          `invocation fails and nothing brings a copy back. Remove scaling.wake: false.`,
      );
    }
    if (s.minCopies > 0 && e.managedScaling.minInstances === 0) {
      out.push(
        `${e.name}/${comp.name}: minCopies is ${s.minCopies}, so the endpoint never releases its last instance ` +
          `(managedScaling.minInstances 0 has no effect).`,
      );
    }
  }
  return out;
}
