// The parts of the public JumpStart metadata sagezero reads, with the field names the SageMaker Python
// SDK uses (sagemaker/jumpstart/types.py: JumpStartModelHeader, JumpStartModelSpecs,
// JumpStartEnvironmentVariable, JumpStartInstanceTypeVariants). Objects are loose: the real specs carry
// dozens of training and UI fields sagezero has no use for, and new ones appear over time.
import { z } from 'zod';

export const MANIFEST_KEY = 'models_manifest.json';

export function defaultSpecsBucket(region: string): string {
  return `jumpstart-cache-prod-${region}`;
}

/** Gated models (gated_bucket: true) keep their artifacts in a separate, EULA-protected bucket. */
export function defaultGatedBucket(region: string): string {
  return `jumpstart-private-cache-prod-${region}`;
}

const manifestEntrySchema = z.looseObject({
  model_id: z.string().min(1),
  version: z.string().min(1),
  min_version: z.string().optional(),
  spec_key: z.string().min(1),
});

export const manifestSchema = z.array(manifestEntrySchema);
export type ManifestEntry = z.infer<typeof manifestEntrySchema>;

const scalar = z.union([z.string(), z.number(), z.boolean()]);

const environmentVariableSchema = z.looseObject({
  name: z.string().min(1),
  type: z.string().optional(),
  default: scalar.nullable(),
  scope: z.string().optional(),
  required_for_model_class: z.boolean().optional(),
});
export type EnvironmentVariableSpec = z.infer<typeof environmentVariableSchema>;

const variantSchema = z.looseObject({
  regional_properties: z.record(z.string(), z.string()).optional(),
  properties: z
    .looseObject({
      artifact_key: z.string().optional(),
      prepacked_artifact_key: z.string().optional(),
      environment_variables: z.record(z.string(), scalar).optional(),
    })
    .optional(),
});
export type VariantSpec = z.infer<typeof variantSchema>;

const instanceTypeVariantsSchema = z.looseObject({
  regional_aliases: z.record(z.string(), z.record(z.string(), z.string())).optional(),
  variants: z.record(z.string(), variantSchema).optional(),
});
export type InstanceTypeVariants = z.infer<typeof instanceTypeVariantsSchema>;

export const modelSpecSchema = z.looseObject({
  model_id: z.string(),
  version: z.string(),
  hosting_ecr_specs: z
    .looseObject({
      framework: z.string().optional(),
      framework_version: z.string().optional(),
      py_version: z.string().optional(),
    })
    .optional(),
  hosting_artifact_key: z.string().nullish(),
  hosting_prepacked_artifact_key: z.string().nullish(),
  hosting_artifact_uri: z.string().nullish(),
  hosting_prepacked_artifact_uri: z.string().nullish(),
  hosting_script_key: z.string().nullish(),
  hosting_use_script_uri: z.boolean().optional(),
  hosting_artifact_s3_data_type: z.string().optional(),
  hosting_artifact_compression_type: z.string().optional(),
  hosting_eula_key: z.string().nullish(),
  hosting_instance_type_variants: instanceTypeVariantsSchema.nullish(),
  inference_environment_variables: z.array(environmentVariableSchema).optional(),
  default_inference_instance_type: z.string().nullish(),
  supported_inference_instance_types: z.array(z.string()).nullish(),
  deploy_kwargs: z
    .looseObject({
      model_data_download_timeout: z.number().optional(),
      container_startup_health_check_timeout: z.number().optional(),
    })
    .optional(),
  inference_enable_network_isolation: z.boolean().optional(),
  inference_vulnerable: z.boolean().optional(),
  inference_vulnerabilities: z.array(z.string()).optional(),
  deprecated: z.boolean().optional(),
  deprecated_message: z.string().nullish(),
  gated_bucket: z.boolean().optional(),
  /** Newer multi-configuration specs; sagezero reads the base fields only (see resolve.ts). */
  inference_configs: z.record(z.string(), z.unknown()).nullish(),
});
export type ModelSpecJson = z.infer<typeof modelSpecSchema>;

/** Parses JSON text against `schema`; returns the value or a one-line reason. */
export function parseJson<T>(
  text: string,
  schema: z.ZodType<T>,
): { ok: true; value: T } | { ok: false; reason: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, reason: `is not valid JSON (${(e as Error).message})` };
  }
  const r = schema.safeParse(raw);
  if (!r.success) {
    const first = r.error.issues[0];
    const where = first && first.path.length > 0 ? ` at ${first.path.join('.')}` : '';
    return {
      ok: false,
      reason: `does not look like JumpStart metadata${where}: ${first?.message ?? 'invalid'}`,
    };
  }
  return { ok: true, value: r.data };
}
