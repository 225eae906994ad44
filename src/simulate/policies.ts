// The policies a simulation can run: the two presets, an always-on fleet, or a YAML file with a
// `scaling:` block validated by the same schema and rules as sagezero's config, so a file that
// simulates is a block that deploys.
import { readFileSync } from 'node:fs';
import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { formatPath } from '../config/load.js';
import {
  checkScaling,
  resolveScaling,
  scalingInputSchema,
  type ScalingConfig,
} from '../config/scaling-schema.js';

export type Policy =
  | { kind: 'always-on'; name: 'always-on'; instances: number }
  | { kind: 'scaling'; name: string; scaling: ScalingConfig };

export class PolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyError';
  }
}

export const BUILTIN_POLICIES = ['aws-recommended', 'blog', 'always-on'] as const;

export function presetPolicy(preset: 'aws-recommended' | 'blog'): Policy {
  return { kind: 'scaling', name: preset, scaling: resolveScaling(scalingInputSchema.parse({ preset })) };
}

export function alwaysOnPolicy(instances = 1): Policy {
  return { kind: 'always-on', name: 'always-on', instances };
}

/** `aws-recommended`, `blog`, `always-on`, or the path of a YAML file with a `scaling:` block. */
export function resolvePolicy(arg: string, alwaysOnInstances = 1): Policy {
  if (arg === 'aws-recommended' || arg === 'blog') return presetPolicy(arg);
  if (arg === 'always-on') return alwaysOnPolicy(alwaysOnInstances);
  if (!/\.ya?ml$/i.test(arg)) {
    throw new PolicyError(
      `--policy must be aws-recommended, blog, always-on or a .yaml file with a scaling: block, got "${arg}"`,
    );
  }
  let text: string;
  try {
    text = readFileSync(arg, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new PolicyError(
      `${arg}: cannot read policy file: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
    );
  }
  return { kind: 'scaling', name: arg, scaling: parsePolicyYaml(text, arg) };
}

export function parsePolicyYaml(text: string, file: string): ScalingConfig {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const err = doc.errors[0] as (typeof doc.errors)[number];
    const pos = lc.linePos(err.pos[0]);
    throw new PolicyError(`${file}:${pos.line}: invalid YAML: ${err.message.split('\n')[0]}`);
  }
  const raw: unknown = doc.toJS();
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || !('scaling' in raw)) {
    throw new PolicyError(
      `${file}: expected a mapping with a scaling: block (the same block as an endpoint's scaling: in sagezero.yaml)`,
    );
  }
  const result = scalingInputSchema
    .superRefine(checkScaling)
    .safeParse((raw as { scaling: unknown }).scaling);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const keyPath = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0] ?? ''] : issue.path;
      const p = ['scaling', ...keyPath];
      const where = locate(doc.contents, lc, p);
      const message =
        issue.code === 'unrecognized_keys' ? `unknown key "${issue.keys.join('", "')}"` : issue.message;
      return `${file}${where ? `:${where}` : ''}: ${formatPath(p)}: ${message}`;
    });
    throw new PolicyError(lines.join('\n'));
  }
  return resolveScaling(result.data);
}

function locate(root: unknown, lc: LineCounter, p: readonly PropertyKey[]): number | undefined {
  let node: unknown = root;
  let best: Node | undefined = isNode(node) ? node : undefined;
  for (const seg of p) {
    if (isMap(node)) {
      const pair = node.items.find((it) => isScalar(it.key) && String(it.key.value) === String(seg));
      if (!pair) break;
      if (isNode(pair.key)) best = pair.key;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
      if (isNode(node)) best = node;
    } else break;
  }
  const offset = best?.range?.[0];
  return offset === undefined ? undefined : lc.linePos(offset).line;
}
