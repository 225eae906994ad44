// What every operation module shares: the clients, how to phrase failures, and emulator awareness.
import type { AwsClients } from './clients.js';
import { customEndpointInUse, type AwsService } from './endpoint-env.js';
import { toCloudError } from './errors.js';

export interface AwsContext {
  clients: AwsClients;
  region: string;
  /** Whether `service` talks to a custom endpoint (an emulator, usually). */
  customEndpoint(service: AwsService): boolean;
  /** Strings that must never appear in an error message (the explicit credentials, if any). */
  secrets: readonly string[];
}

export function createContext(
  clients: AwsClients,
  region: string,
  explicitEndpoint: string | undefined,
  secrets: readonly string[],
): AwsContext {
  return {
    clients,
    region,
    customEndpoint: (service) => customEndpointInUse(service, explicitEndpoint, process.env),
    secrets,
  };
}

const SERVICE_TITLE: Record<AwsService, string> = {
  sagemaker: 'SageMaker',
  'sagemaker-runtime': 'SageMaker Runtime',
  'application-autoscaling': 'Application Auto Scaling',
  cloudwatch: 'CloudWatch',
  s3: 'S3',
  sts: 'STS',
};

export function failure(
  ctx: AwsContext,
  service: AwsService,
  operation: string,
  resource: string,
  e: unknown,
) {
  return toCloudError(e, { service: SERVICE_TITLE[service], operation, resource }, ctx.secrets);
}

/** Runs one SDK call and turns any failure into a CloudError that names the operation and resource. */
export async function attempt<T>(
  ctx: AwsContext,
  service: AwsService,
  operation: string,
  resource: string,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw failure(ctx, service, operation, resource, e);
  }
}

/** Collects every page of a NextToken-paginated call. */
export async function allPages<P, T>(
  fetchPage: (token: string | undefined) => Promise<P>,
  items: (page: P) => readonly T[] | undefined,
  nextToken: (page: P) => string | undefined,
): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  for (;;) {
    const page = await fetchPage(token);
    out.push(...(items(page) ?? []));
    const next = nextToken(page);
    // An emulator that echoes the same token back would otherwise loop forever.
    if (!next || next === token) return out;
    token = next;
  }
}
