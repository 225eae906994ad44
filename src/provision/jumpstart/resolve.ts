// JumpStart model id + version -> container image, model artifacts and environment for one region and
// instance type, following the SageMaker Python SDK (jumpstart/cache.py, artifacts/image_uris.py,
// artifacts/model_uris.py, artifacts/environment_variables.py, factory/model.py). Everything is read
// through the Cloud port's getObject, so the same code runs against AWS, moto and the simulated cloud.
import type { Cloud } from '../../cloud/types.js';
import { suggestKey } from '../../config/suggest.js';
import type { JumpStartSpecCache } from './cache.js';
import { specEnvironment } from './environment.js';
import { JumpStartError } from './errors.js';
import {
  defaultGatedBucket,
  defaultSpecsBucket,
  MANIFEST_KEY,
  manifestSchema,
  modelSpecSchema,
  parseJson,
  type ManifestEntry,
  type ModelSpecJson,
} from './spec.js';
import { isVersionSpecifier, selectVersion } from './version.js';
import { instanceProperty, instanceTypeFamily, regionalProperty } from './variants.js';

export interface JumpStartRequest {
  modelId: string;
  /** "*", "2.*", "2.1.*" or "2.1.0". */
  version: string;
  region: string;
  instanceType: string;
  /** Bucket holding models_manifest.json, the specs and the artifacts; default jumpstart-cache-prod-<region>. */
  bucket?: string;
}

export interface ResolvedModel {
  image: string;
  modelDataUrl: string;
  /** false for an uncompressed S3 prefix (S3DataType S3Prefix, CompressionType None). */
  modelDataCompressed: boolean;
  /** The spec's defaults for this instance type; merge the config's environment over them. */
  environment: Record<string, string>;
  modelId: string;
  /** The concrete version the request resolved to. */
  version: string;
  specUri: string;
  /** Gated models need their EULA accepted (ModelAccessConfig) when the model is created. */
  gated: boolean;
  eulaKey?: string;
  /** Deployment settings the SDK passes from the spec's deploy_kwargs (seconds). */
  modelDataDownloadTimeoutSeconds?: number;
  containerStartupHealthCheckTimeoutSeconds?: number;
  enableNetworkIsolation?: boolean;
  /** Valid, but worth telling the user (e.g. an instance type the model was not tested on). */
  warnings: string[];
}

type GetObject = Pick<Cloud, 'getObject'>;

export async function resolveJumpStartModel(
  cloud: GetObject,
  req: JumpStartRequest,
  cache?: JumpStartSpecCache,
): Promise<ResolvedModel> {
  const fail = (reason: string): never => {
    throw new JumpStartError(req.modelId, req.version, reason);
  };
  if (!isVersionSpecifier(req.version)) {
    fail('the version must be "*", a version like "2.1.0", or a wildcard like "2.*"');
  }
  const bucket = req.bucket ?? defaultSpecsBucket(req.region);

  const manifestUri = `s3://${bucket}/${MANIFEST_KEY}`;
  const manifest = await fetchManifest(cloud, manifestUri, cache, fail);
  const entry = findEntry(manifest, req, manifestUri, fail);
  const specUri = `s3://${bucket}/${entry.spec_key}`;
  const spec = await fetchSpec(cloud, specUri, cache, fail);

  if (spec.inference_vulnerable) {
    const which = spec.inference_vulnerabilities?.length
      ? ` (${spec.inference_vulnerabilities.join(', ')})`
      : '';
    fail(
      `version ${entry.version} has inference dependencies with known vulnerabilities${which}; pin another version`,
    );
  }
  if (spec.deprecated) {
    fail(
      `version ${entry.version} is deprecated${spec.deprecated_message ? ` (${spec.deprecated_message})` : ''}; pin another version`,
    );
  }

  const image = resolveImage(spec, req, fail);
  const artifactBucket = req.bucket ?? (spec.gated_bucket ? defaultGatedBucket(req.region) : bucket);
  const { uri: modelDataUrl, compressed } = resolveArtifact(spec, req, artifactBucket, fail);

  const warnings: string[] = [];
  const supported = spec.supported_inference_instance_types ?? [];
  if (supported.length > 0 && !supported.includes(req.instanceType)) {
    warnings.push(
      `JumpStart model ${req.modelId} ${entry.version} lists ${supported.join(', ')} as its supported instance types, not ${req.instanceType}.`,
    );
  }

  const configs = Object.keys(spec.inference_configs ?? {});
  if (configs.length > 0) {
    // The SDK overlays the top-ranked inference config's components on the base fields; sagezero does
    // not, so say so rather than deploy something subtly different without a word.
    warnings.push(
      `JumpStart model ${req.modelId} ${entry.version} has inference configs (${configs.join(', ')}); sagezero uses the spec's base fields, ` +
        `which may differ from what the SageMaker Python SDK deploys. Set model.image and model.modelDataUrl to choose exactly.`,
    );
  }

  return {
    image,
    modelDataUrl,
    modelDataCompressed: compressed,
    environment: specEnvironment(spec, req.instanceType),
    modelId: req.modelId,
    version: entry.version,
    specUri,
    gated: spec.gated_bucket === true,
    eulaKey: spec.hosting_eula_key ?? undefined,
    modelDataDownloadTimeoutSeconds: spec.deploy_kwargs?.model_data_download_timeout,
    containerStartupHealthCheckTimeoutSeconds: spec.deploy_kwargs?.container_startup_health_check_timeout,
    enableNetworkIsolation: spec.inference_enable_network_isolation,
    warnings,
  };
}

type Fail = (reason: string) => never;

async function read(cloud: GetObject, uri: string): Promise<{ text?: string; error?: string }> {
  try {
    const bytes = await cloud.getObject(uri);
    if (bytes === undefined) return { error: 'no such object' };
    return { text: new TextDecoder().decode(bytes) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** The manifest changes as models are published: fetch it every time, fall back to the cached copy. */
async function fetchManifest(
  cloud: GetObject,
  uri: string,
  cache: JumpStartSpecCache | undefined,
  fail: Fail,
): Promise<ManifestEntry[]> {
  const fresh = await read(cloud, uri);
  const cached = cache ? await cache.get(uri) : undefined;
  if (fresh.text !== undefined) {
    const parsed = parseJson(fresh.text, manifestSchema);
    if (!parsed.ok) return fail(`${uri} ${parsed.reason}`);
    if (cache && cached !== fresh.text) await cache.put(uri, fresh.text);
    return parsed.value;
  }
  const fromCache = cached === undefined ? undefined : parseJson(cached, manifestSchema);
  if (fromCache?.ok) return fromCache.value;
  return fail(`cannot fetch the JumpStart model manifest ${uri}: ${fresh.error}`);
}

/** A spec file belongs to one model version and never changes: a cached copy is as good as S3's. */
async function fetchSpec(
  cloud: GetObject,
  uri: string,
  cache: JumpStartSpecCache | undefined,
  fail: Fail,
): Promise<ModelSpecJson> {
  const cached = cache ? await cache.get(uri) : undefined;
  const fromCache = cached === undefined ? undefined : parseJson(cached, modelSpecSchema);
  if (fromCache?.ok) return fromCache.value;
  const fresh = await read(cloud, uri);
  if (fresh.text === undefined) return fail(`cannot fetch the model spec ${uri}: ${fresh.error}`);
  const parsed = parseJson(fresh.text, modelSpecSchema);
  if (!parsed.ok) return fail(`${uri} ${parsed.reason}`);
  if (cache) await cache.put(uri, fresh.text);
  return parsed.value;
}

function findEntry(
  manifest: ManifestEntry[],
  req: JumpStartRequest,
  manifestUri: string,
  fail: Fail,
): ManifestEntry {
  const entries = manifest.filter((e) => e.model_id === req.modelId);
  if (entries.length === 0) {
    const ids = [...new Set(manifest.map((e) => e.model_id))];
    const suggestion = suggestKey(req.modelId, ids);
    return fail(`no such model in ${manifestUri}${suggestion ? ` (did you mean ${suggestion}?)` : ''}`);
  }
  const version = selectVersion(
    req.version,
    entries.map((e) => e.version),
  );
  const entry = entries.find((e) => e.version === version);
  if (!entry) {
    const listed = entries
      .map((e) => e.version)
      .sort()
      .join(', ');
    return fail(`no listed version matches (listed: ${listed})`);
  }
  return entry;
}

function resolveImage(spec: ModelSpecJson, req: JumpStartRequest, fail: Fail): string {
  const image = regionalProperty(
    spec.hosting_instance_type_variants,
    req.instanceType,
    req.region,
    'image_uri',
  );
  if (image) return image;
  const family = instanceTypeFamily(req.instanceType) || req.instanceType;
  const supported = spec.supported_inference_instance_types?.length
    ? ` (supported instance types: ${spec.supported_inference_instance_types.join(', ')})`
    : '';
  if (!spec.hosting_instance_type_variants && spec.hosting_ecr_specs) {
    // Old specs name a framework and version only; turning those into an ECR URI needs the SDK's own
    // image tables, which sagezero does not carry.
    const f = spec.hosting_ecr_specs;
    return fail(
      `the spec names only a framework (${f.framework ?? '?'} ${f.framework_version ?? '?'}), not an image; pin a newer version or set model.image`,
    );
  }
  return fail(`no inference image for instance family ${family} in ${req.region}${supported}`);
}

function resolveArtifact(
  spec: ModelSpecJson,
  req: JumpStartRequest,
  bucket: string,
  fail: Fail,
): { uri: string; compressed: boolean } {
  const variants = spec.hosting_instance_type_variants;
  // ModelSpecs.use_inference_script_uri(): a prepacked artifact (inference code already inside) is used
  // whenever one exists; otherwise the SDK repacks hosting_artifact_key with hosting_script_key.
  const prepacked =
    instanceProperty(variants, req.instanceType, 'prepacked_artifact_key') ??
    spec.hosting_prepacked_artifact_key ??
    undefined;
  const needsScript = !prepacked && (spec.hosting_use_script_uri ?? true) && !!spec.hosting_script_key;
  if (needsScript) {
    fail(
      'the model needs its inference script repacked into the artifact (no prepacked artifact in the spec), which sagezero does not do',
    );
  }
  const key =
    prepacked ??
    instanceProperty(variants, req.instanceType, 'artifact_key') ??
    spec.hosting_artifact_key ??
    undefined;
  let uri = key
    ? `s3://${bucket}/${key}`
    : (spec.hosting_prepacked_artifact_uri ?? spec.hosting_artifact_uri ?? undefined);
  if (!uri) return fail('the spec has no hosting artifact');
  const prefix = uri.endsWith('/') || spec.hosting_artifact_s3_data_type === 'S3Prefix';
  if (prefix && !uri.endsWith('/')) uri += '/';
  return { uri, compressed: !prefix };
}
