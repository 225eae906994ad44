// Vitest setup file: after each test file, remove the temp dirs it made through tempDir(). A
// directory that cannot be removed is reported, not failed on: the tests themselves passed.
import { afterAll } from 'vitest';
import { removeTempDirs } from './temp-dir.js';

afterAll(() => {
  const left = removeTempDirs();
  if (left.length > 0) console.warn(`could not remove temp dirs: ${left.join(', ')}`);
});
