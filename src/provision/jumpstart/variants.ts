// hosting_instance_type_variants: per-instance-type and per-family overrides, looked up the way
// JumpStartInstanceTypeVariants does. An exact instance type ("ml.g5.12xlarge") wins over its family
// ("g5"); regional properties such as image_uri hold an alias ("$gpu_ecr_uri_1") that
// regional_aliases[region] turns into the real value.
import type { InstanceTypeVariants, VariantSpec } from './spec.js';

/** "ml.g5.12xlarge" -> "g5", "ml.p4de.24xlarge" -> "p4de"; "" when it is not an ml.* type. */
export function instanceTypeFamily(instanceType: string): string {
  const m = /^ml[._]([a-z\d]+)\.?\w*$/.exec(instanceType);
  return m?.[1] ?? '';
}

function candidates(variants: InstanceTypeVariants | null | undefined, instanceType: string): VariantSpec[] {
  const table = variants?.variants;
  if (!table) return [];
  const family = instanceTypeFamily(instanceType);
  const out: VariantSpec[] = [];
  const exact = table[instanceType];
  if (exact) out.push(exact);
  const fam = family ? table[family] : undefined;
  if (fam) out.push(fam);
  return out;
}

/** An instance-specific property such as artifact_key or prepacked_artifact_key. */
export function instanceProperty(
  variants: InstanceTypeVariants | null | undefined,
  instanceType: string,
  name: 'artifact_key' | 'prepacked_artifact_key',
): string | undefined {
  for (const v of candidates(variants, instanceType)) {
    const value = v.properties?.[name];
    if (value) return value;
  }
  return undefined;
}

/** A regional property (image_uri) resolved through regional_aliases; undefined when not defined. */
export function regionalProperty(
  variants: InstanceTypeVariants | null | undefined,
  instanceType: string,
  region: string,
  name: string,
): string | undefined {
  if (!variants?.regional_aliases || !variants.variants) return undefined;
  let alias: string | undefined;
  for (const v of candidates(variants, instanceType)) {
    alias = v.regional_properties?.[name];
    if (alias !== undefined) break;
  }
  // The SDK treats a value without the leading "$" as bad metadata and ignores it; so do we.
  if (!alias || !alias.startsWith('$')) return undefined;
  return variants.regional_aliases[region]?.[alias.slice(1)];
}

/** Family-level environment variables, overridden by exact-instance-type ones. */
export function instanceEnvironment(
  variants: InstanceTypeVariants | null | undefined,
  instanceType: string,
): Record<string, string | number | boolean> {
  const table = variants?.variants ?? {};
  const family = instanceTypeFamily(instanceType);
  const fromFamily = family ? table[family]?.properties?.environment_variables : undefined;
  const fromExact = table[instanceType]?.properties?.environment_variables;
  return { ...fromFamily, ...fromExact };
}
