// The account id, from STS GetCallerIdentity, asked once per process (it cannot change under us).
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { CloudError } from '../types.js';
import { attempt, type AwsContext } from './call.js';

export function stsOps(ctx: AwsContext) {
  let cached: Promise<string> | undefined;
  async function lookUp(): Promise<string> {
    const out = await attempt(ctx, 'sts', 'GetCallerIdentity', 'the current credentials', () =>
      ctx.clients.sts.send(new GetCallerIdentityCommand({})),
    );
    if (!out.Account) {
      throw new CloudError(
        'STS GetCallerIdentity returned no account id',
        'MissingAccount',
        false,
        'GetCallerIdentity',
      );
    }
    return out.Account;
  }
  return {
    accountId(): Promise<string> {
      // A failure is not cached: the next call may have fresh credentials.
      cached ??= lookUp().catch((e: unknown) => {
        cached = undefined;
        throw e;
      });
      return cached;
    },
  };
}
