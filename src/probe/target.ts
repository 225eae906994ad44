// Where a probe's (or `sagezero invoke`'s) input goes, and what it sends: the parts of the probe
// block that need the file system or the account to resolve.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Cloud } from '../cloud/types.js';
import { parseS3Uri } from '../cloud/types.js';
import type { InvokePayload } from './invoke.js';
import { normalizePrefix } from './invoke.js';

export interface ProbeTargetEndpoint {
  name: string;
  async: { outputPath?: string };
}

/** A payload file that cannot be read, phrased for the person who named it. */
export class PayloadFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadFileError';
  }
}

/**
 * The S3 prefix for inputs: the configured one, else the endpoint's output bucket (SageMaker can read
 * it, since it writes there), else the SageMaker SDK's default bucket for the account and region.
 */
export async function resolveInputPrefix(
  cloud: Cloud,
  endpoint: ProbeTargetEndpoint,
  bucket: string | undefined,
): Promise<string> {
  if (bucket) return normalizePrefix(bucket);
  const suffix = `sagezero-probes/${endpoint.name}/`;
  if (endpoint.async.outputPath) return `s3://${parseS3Uri(endpoint.async.outputPath).bucket}/${suffix}`;
  return `s3://sagemaker-${cloud.region}-${await cloud.accountId()}/${suffix}`;
}

/** The bytes of `file` (relative to `baseDir`). */
export function readPayloadFile(file: string, baseDir: string, what = 'payload file'): Uint8Array {
  const full = path.resolve(baseDir, file);
  try {
    return new Uint8Array(readFileSync(full));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
    throw new PayloadFileError(`cannot read ${what} ${full}: ${why}`);
  }
}

/** The probe's request body: `payload` as configured, or the bytes of `payloadFile`. */
export function probePayload(
  probe: { payload?: unknown; payloadFile?: string | undefined },
  configDir: string,
): InvokePayload {
  if (probe.payloadFile !== undefined)
    return readPayloadFile(probe.payloadFile, configDir, 'probe.payloadFile');
  const p = probe.payload;
  if (typeof p === 'string' || Array.isArray(p)) return p;
  if (p && typeof p === 'object') return p as Record<string, unknown>;
  throw new PayloadFileError('the probe has no payload (set probe.payload or probe.payloadFile)');
}

/** A content type from a file name, for `sagezero invoke --payload FILE` without --content-type. */
export function contentTypeForFile(file: string): string {
  const ext = path.extname(file).toLowerCase();
  const known: Record<string, string> = {
    '.json': 'application/json',
    '.jsonl': 'application/jsonlines',
    '.txt': 'text/plain',
    '.csv': 'text/csv',
    '.png': 'image/png',
    '.jpg': 'image/jpeg',
    '.jpeg': 'image/jpeg',
    '.wav': 'audio/wav',
    '.npy': 'application/x-npy',
  };
  return known[ext] ?? 'application/octet-stream';
}
