// Writes schema/sagezero.schema.json from the same zod definition the loader validates with, so
// editors complete and check sagezero YAML (`# yaml-language-server: $schema=...`). Run `npm run schema`
// after changing src/config/schema.ts; a test fails while the committed file is stale.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { configSchema } from './schema.js';

export const SCHEMA_ID = 'urn:sagezero:config:v1';

/** schema/sagezero.schema.json, from src/config/ (tsx) and dist/config/ (built) alike. */
export const SCHEMA_PATH = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../schema/sagezero.schema.json',
);

export function generateJsonSchema(): Record<string, unknown> {
  // io: 'input' describes what a person writes: keys with defaults are optional, not required.
  const { $schema, ...body } = z.toJSONSchema(configSchema, { io: 'input', target: 'draft-2020-12' });
  return {
    $schema,
    $id: SCHEMA_ID,
    title: 'sagezero configuration',
    description:
      'One file describes any number of SageMaker asynchronous and real-time (inference component) endpoints, their models and their ' +
      'scale-to-zero policies. Generated from src/config/schema.ts by `npm run schema`; do not edit by hand.',
    ...body,
  };
}

export function schemaText(): string {
  return `${JSON.stringify(generateJsonSchema(), null, 2)}\n`;
}

function main(): void {
  writeFileSync(SCHEMA_PATH, schemaText());
  console.log(`wrote ${path.relative(process.cwd(), SCHEMA_PATH)}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
