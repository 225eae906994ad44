// Temporary directories for tests. Each one is removed after its test file (temp-dir-setup.ts, a
// vitest setup file, registers the afterAll), wherever it was made: at module level, in a hook, in a
// test or in a support helper. Before this, every `npm test` left about 40 /tmp/sagezero-* behind.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const made: string[] = [];

/** A new empty directory under the system temp dir, named `${prefix}XXXXXX`. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes every directory tempDir made in this file; returns the ones it could not remove. */
export function removeTempDirs(): string[] {
  const failed: string[] = [];
  for (const dir of made.splice(0)) {
    try {
      // Retries: a child process a kill test stopped may still be closing its SQLite files.
      rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    } catch {
      failed.push(dir);
    }
  }
  return failed;
}
