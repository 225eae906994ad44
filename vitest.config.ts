import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // After each file: remove the temp dirs it made (test/support/temp-dir.ts). Before each: the AWS
    // SDK's Node-version warning off, as the CLI itself does.
    setupFiles: ['test/support/temp-dir-setup.ts', 'test/support/sdk-warning-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
