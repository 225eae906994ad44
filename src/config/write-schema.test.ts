import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { exampleConfigs } from '../../test/config/examples.js';
import { interpolateEnv } from './interpolate.js';
import { generateJsonSchema, SCHEMA_PATH, schemaText } from './write-schema.js';

type Schema = Record<string, unknown>;

/** A deliberately small JSON Schema checker: enough of draft 2020-12 for sagezero's own schema. */
function validate(value: unknown, schema: Schema, at = '$'): string[] {
  const out: string[] = [];
  if ('const' in schema && value !== schema.const)
    out.push(`${at}: expected ${JSON.stringify(schema.const)}`);
  if (Array.isArray(schema.enum) && !schema.enum.includes(value))
    out.push(`${at}: not one of ${JSON.stringify(schema.enum)}`);
  if ('not' in schema && validate(value, schema.not as Schema, at).length === 0)
    out.push(`${at}: not allowed`);
  if (Array.isArray(schema.oneOf)) {
    const matching = schema.oneOf.filter((s) => validate(value, s as Schema, at).length === 0).length;
    if (matching !== 1) out.push(`${at}: matches ${matching} alternatives, not one`);
    return out;
  }
  if (Array.isArray(schema.anyOf)) {
    if (!schema.anyOf.some((s) => validate(value, s as Schema, at).length === 0))
      out.push(`${at}: matches no alternative`);
    return out;
  }
  const t = schema.type;
  if (t === 'object') {
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      return [...out, `${at}: expected an object`];
    const obj = value as Record<string, unknown>;
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    for (const req of (schema.required ?? []) as string[])
      if (!(req in obj)) out.push(`${at}.${req}: required`);
    for (const [k, v] of Object.entries(obj)) {
      if (props[k]) out.push(...validate(v, props[k], `${at}.${k}`));
      else if (schema.additionalProperties === false) out.push(`${at}.${k}: not allowed`);
      else if (typeof schema.additionalProperties === 'object')
        out.push(...validate(v, schema.additionalProperties as Schema, `${at}.${k}`));
      if (schema.propertyNames) out.push(...validate(k, schema.propertyNames as Schema, `${at}.${k} (name)`));
    }
  } else if (t === 'array') {
    if (!Array.isArray(value)) return [...out, `${at}: expected an array`];
    if (typeof schema.minItems === 'number' && value.length < schema.minItems)
      out.push(`${at}: too few items`);
    value.forEach((item, i) => out.push(...validate(item, schema.items as Schema, `${at}[${i}]`)));
  } else if (t === 'string') {
    if (typeof value !== 'string') return [...out, `${at}: expected a string`];
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value))
      out.push(`${at}: does not match ${schema.pattern}`);
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) out.push(`${at}: too long`);
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) out.push(`${at}: too short`);
  } else if (t === 'number' || t === 'integer') {
    if (typeof value !== 'number' || (t === 'integer' && !Number.isInteger(value)))
      return [...out, `${at}: expected ${t}`];
    if (typeof schema.minimum === 'number' && value < schema.minimum) out.push(`${at}: below minimum`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) out.push(`${at}: above maximum`);
    if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum)
      out.push(`${at}: not above minimum`);
  } else if (t === 'boolean' && typeof value !== 'boolean') out.push(`${at}: expected a boolean`);
  return out;
}

const schema = generateJsonSchema();
const properties = (s: unknown) => (s as { properties: Record<string, Schema> }).properties;
// An endpoint is one of two kinds: async (kind absent or "async") and realtime.
const endpointKinds = (properties(schema).endpoints as { items: { oneOf: Schema[] } }).items.oneOf;
const endpointItems = endpointKinds[0] as Schema;
const realtimeItems = endpointKinds[1] as Schema;

describe('schema/sagezero.schema.json', () => {
  it('is up to date with src/config/schema.ts (run `npm run schema` after changing it)', () => {
    expect(readFileSync(SCHEMA_PATH, 'utf8')).toBe(schemaText());
  });

  it('identifies itself and rejects unknown keys at the top and in each endpoint', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBeTypeOf('string');
    expect(schema.title).toBeTypeOf('string');
    expect(schema.additionalProperties).toBe(false);
    expect(endpointItems.additionalProperties).toBe(false);
    expect(realtimeItems.additionalProperties).toBe(false);
    expect(properties(realtimeItems).kind).toMatchObject({ const: 'realtime' });
  });

  it('describes input: keys with defaults are optional', () => {
    expect(schema.required).toEqual(['region', 'endpoints']);
    expect(endpointItems.required).toEqual(['name', 'model', 'executionRoleArn', 'instanceType']);
    expect(realtimeItems.required).toEqual([
      'kind',
      'name',
      'executionRoleArn',
      'instanceType',
      'managedScaling',
      'components',
    ]);
    expect(properties(endpointItems).variantName).toMatchObject({ default: 'AllTraffic' });
  });

  for (const ex of exampleConfigs()) {
    it(`${path.basename(ex.file)} validates against it`, () => {
      const doc = interpolateEnv(parse(ex.text) as unknown, ex.env).value as Record<string, unknown>;
      for (const key of Object.keys(doc))
        expect(properties(schema), `top-level key ${key}`).toHaveProperty([key]);
      for (const e of doc.endpoints as Record<string, unknown>[]) {
        const items = e.kind === 'realtime' ? realtimeItems : endpointItems;
        for (const key of Object.keys(e))
          expect(properties(items), `endpoint key ${key}`).toHaveProperty([key]);
      }
      expect(validate(doc, schema)).toEqual([]);
    });
  }

  it('the checker above is not vacuous: it rejects what the loader rejects', () => {
    const endpoint = {
      name: 'e1',
      model: { image: 'img' },
      executionRoleArn: 'arn:aws:iam::123456789012:role/R',
      instanceType: 'ml.g5.12xlarge',
    };
    const good = { region: 'us-east-1', endpoints: [endpoint] };
    expect(validate(good, schema)).toEqual([]);
    expect(validate({ ...good, regoin: 'us-east-1' }, schema)).toEqual(['$.regoin: not allowed']);
    const bad = {
      ...good,
      endpoints: [{ ...endpoint, instanceType: 'g5.12xlarge', initialInstanceCount: 0 }],
    };
    // With two kinds of endpoint, a bad one matches neither branch.
    expect(validate(bad, schema)).toEqual(['$.endpoints[0]: matches 0 alternatives, not one']);
    expect(validate(bad.endpoints[0], endpointItems)).toEqual([
      expect.stringContaining('$.instanceType: does not match'),
      '$.initialInstanceCount: below minimum',
    ]);
    // Keys refused by name on the other kind are refused by the JSON Schema too.
    expect(validate({ ...endpoint, components: [] }, endpointItems)).toEqual(['$.components: not allowed']);
    expect(validate({ region: 'us-east-1' }, schema)).toEqual(['$.endpoints: required']);
  });
});
