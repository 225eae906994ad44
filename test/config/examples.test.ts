// Every config shipped in config/ must load: they are what new users copy.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { exampleConfigs } from './examples.js';

const examples = exampleConfigs();

describe('example configs', () => {
  it('there is at least one', () => {
    expect(examples.length).toBeGreaterThan(0);
  });

  for (const ex of examples) {
    it(`${path.basename(ex.file)} loads`, () => {
      const c = loadConfig(ex.file, ex.env);
      expect(c.endpoints.length + c.realtimeEndpoints.length).toBeGreaterThan(0);
      expect(c.file).toBe(ex.file);
    });
  }
});
