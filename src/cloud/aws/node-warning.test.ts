// Runs real Node processes: the warning is printed by Node itself, on the stderr of the process
// that builds an SDK client, so only a child process shows whether it reaches the user.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { NODE_WARNING_ENV, suppressSdkNodeVersionWarning } from './node-warning.js';

const run = promisify(execFile);
const major = Number(process.versions.node.split('.')[0]);
const cwd = new URL('../../../', import.meta.url).pathname;

async function stderrOf(script: string, loader: string[] = []): Promise<string> {
  const env = { ...process.env };
  delete env[NODE_WARNING_ENV];
  const { stderr } = await run(process.execPath, [...loader, '--input-type=module', '-e', script], {
    cwd,
    env,
  });
  return stderr;
}

describe('the SDK Node-version warning', () => {
  it.runIf(major < 22)(
    'is printed by a bare SDK client on this Node (so the next test means something)',
    async () => {
      const stderr = await stderrOf(
        `import { STSClient } from '@aws-sdk/client-sts'; new STSClient({ region: 'us-east-1' });`,
      );
      expect(stderr).toContain('NodeVersionSupportWarning');
    },
  );

  it('is not printed when the clients are built by createAwsCloud', async () => {
    const stderr = await stderrOf(
      `const { createAwsCloud } = await import('./src/cloud/aws/index.ts'); createAwsCloud({ region: 'us-east-1' });`,
      ['--import', 'tsx'],
    );
    expect(stderr).not.toContain('NodeVersionSupportWarning');
  });

  it('leaves a value the user chose alone', () => {
    const env: NodeJS.ProcessEnv = { [NODE_WARNING_ENV]: 'false' };
    suppressSdkNodeVersionWarning(env);
    expect(env[NODE_WARNING_ENV]).toBe('false');
    const empty: NodeJS.ProcessEnv = {};
    suppressSdkNodeVersionWarning(empty);
    expect(empty[NODE_WARNING_ENV]).toBe('true');
  });
});
