// The example configs shipped in config/, with stand-in values for the ${VARS} they reference (an
// example may point at a Slack webhook or a bucket through the environment).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CONFIG_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../config');

export interface ExampleConfig {
  file: string;
  text: string;
  env: NodeJS.ProcessEnv;
}

export function exampleConfigs(): ExampleConfig[] {
  return readdirSync(CONFIG_DIR)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => {
      const file = path.join(CONFIG_DIR, f);
      const text = readFileSync(file, 'utf8');
      const env: NodeJS.ProcessEnv = {};
      for (const m of text.matchAll(/(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g))
        env[m[1]!] = `example-${m[1]!.toLowerCase()}`;
      return { file, text, env };
    });
}
