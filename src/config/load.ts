// YAML file -> validated, typed Config. Every problem becomes a ConfigIssue that names the file, the
// line and the key, so the CLI can print it without a stack trace.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { isPgUrl, parsePgUrl } from '../store/pg/url.js';
import { ConfigError, type ConfigIssue } from './errors.js';
import { interpolateEnv } from './interpolate.js';
import { configSchema, type EndpointParsed, type ParsedConfig } from './schema.js';
import { resolveScaling, scalingWarnings, type ScalingConfig } from './scaling-schema.js';
import {
  realtimeWarnings,
  resolveRealtimeEndpoint,
  type RealtimeEndpointConfig,
  type RealtimeEndpointParsed,
} from './realtime-schema.js';
import { suggestKey } from './suggest.js';

/** A `kind: async` endpoint (the default); everything that predates realtime endpoints reads these. */
export type EndpointConfig = Omit<EndpointParsed, 'scaling' | 'components'> & { scaling: ScalingConfig };
export type {
  ComponentConfig,
  ManagedScalingConfig,
  RealtimeEndpointConfig,
  RealtimeScalingConfig,
  RealtimeWakeConfig,
} from './realtime-schema.js';

export interface Config extends Omit<ParsedConfig, 'endpoints' | 'project'> {
  project: string;
  /** Absolute path of the file this came from. */
  file: string;
  /**
   * Absolute path of the SQLite store, or the postgres:// URL of a PostgreSQL one (which may carry a
   * password: show storeLabel(storePath), never this).
   */
  storePath: string;
  /** The `kind: async` endpoints, in file order. */
  endpoints: EndpointConfig[];
  /**
   * The `kind: realtime` endpoints, in file order. Kept apart so code written for async endpoints
   * (queues, backlog metrics, variant scaling) never meets one by accident.
   */
  realtimeEndpoints: RealtimeEndpointConfig[];
  /** Things worth saying before a plan: valid, but likely not what the user wants. */
  warnings: string[];
}

export function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
    throw new ConfigError([{ file, path: '', message: `cannot read config file: ${why}` }]);
  }
  return parseConfig(text, file, env);
}

export function parseConfig(text: string, file: string, env: NodeJS.ProcessEnv = process.env): Config {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, logLevel: 'error' });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((err) => {
        const pos = lineCounter.linePos(err.pos[0]);
        return {
          file,
          line: pos.line,
          column: pos.col,
          path: '',
          message: `invalid YAML: ${firstLine(err.message)}`,
        };
      }),
    );
  }
  const locate = (p: readonly PropertyKey[]): { line?: number; column?: number } =>
    locateNode(doc, lineCounter, p);

  // The yaml library's warnings stay out of stderr (logLevel above). The one that changes meaning is
  // an unknown tag: `image: !Sub "..."` (a CloudFormation habit) would silently load as its plain
  // text, so it is an issue. The others (collection keys, ambiguous anchors, flow indentation) either
  // end in an "unknown key" issue anyway or do not change the value.
  const tagIssues = doc.warnings
    .filter((w) => w.code === 'TAG_RESOLVE_FAILED')
    .map((w): ConfigIssue => {
      const pos = lineCounter.linePos(w.pos[0]);
      const tag = /Unresolved tag: (\S+)/.exec(w.message)?.[1] ?? text.slice(w.pos[0], w.pos[1]);
      const p = pathAt(doc, w.pos[0]);
      const why = `sagezero does not evaluate YAML tags (such as CloudFormation's !Sub or !Ref); write the value itself`;
      const where = { file, line: pos.line, column: pos.col };
      // A tag on the document itself names no key: reported as a YAML-level problem.
      return p.length > 0
        ? { ...where, path: formatPath(p), message: `unknown YAML tag ${tag}: ${why}` }
        : { ...where, path: '', message: `invalid YAML: unknown tag ${tag}: ${why}` };
    });
  if (tagIssues.length > 0) throw new ConfigError(tagIssues);

  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    // Alias bombs and similar: the YAML parsed, but expanding it would be unreasonable.
    throw new ConfigError([
      { file, line: 1, path: '', message: `invalid YAML: ${firstLine((e as Error).message)}` },
    ]);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError([
      { file, line: 1, path: '', message: 'the file must be a YAML mapping with region and endpoints' },
    ]);
  }

  const interpolated = interpolateEnv(raw, env);
  if (interpolated.issues.length > 0) {
    throw new ConfigError(
      interpolated.issues.map((i) => ({
        file,
        ...locate(i.path),
        path: formatPath(i.path),
        message: i.message,
      })),
    );
  }

  const result = configSchema.safeParse(interpolated.value, { reportInput: true });
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.flatMap((issue) => toIssues(issue, file, locate, interpolated.value)),
    );
  }
  const parsed = result.data;
  const project = parsed.project ?? projectFromFile(file);
  // The presets derive the wake cooldown from the boot the endpoint's tune block assumes.
  const endpoints: EndpointConfig[] = parsed.endpoints.flatMap((e) => {
    if (e.kind === 'realtime') return [];
    const { components: _none, ...rest } = e;
    const boot = { priorSeconds: e.tune?.coldStartPriorSeconds, instanceCount: e.initialInstanceCount };
    return [{ ...rest, scaling: resolveScaling(e.scaling, boot) }];
  });
  const realtimeEndpoints = parsed.endpoints
    .filter((e): e is RealtimeEndpointParsed => e.kind === 'realtime')
    .map(resolveRealtimeEndpoint);
  return {
    ...parsed,
    project,
    file: path.resolve(file),
    storePath: storeLocation(parsed.store, file),
    endpoints,
    realtimeEndpoints,
    warnings: [
      ...endpoints.flatMap((e) => scalingWarnings(e.name, e.scaling)),
      ...realtimeEndpoints.flatMap(realtimeWarnings),
    ],
  };
}

function toIssues(
  issue: z.core.$ZodIssue,
  file: string,
  locate: (p: readonly PropertyKey[]) => { line?: number; column?: number },
  input: unknown,
): ConfigIssue[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const p = [...issue.path, key];
      const suggestion = suggestKey(key, knownKeysAt(issue.path, input));
      return {
        file,
        ...locate(p),
        path: formatPath(p),
        message: `unknown key "${key}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
      };
    });
  }
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    // "a mapping or false": report the problems of the branch whose shape matched, so a typo inside
    // wake: still gets its own message and "did you mean".
    const matched = issue.errors.find(
      (branch) =>
        !branch.some((i) => i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'invalid_value')),
    );
    if (matched) {
      return matched.flatMap((i) =>
        toIssues({ ...i, path: [...issue.path, ...i.path] } as z.core.$ZodIssue, file, locate, input),
      );
    }
  }
  if (issue.code === 'invalid_key') {
    const message = issue.issues.map((i) => i.message).join('; ');
    return [{ file, ...locate(issue.path), path: formatPath(issue.path), message }];
  }
  return [{ file, ...locate(issue.path), path: formatPath(issue.path), message: describeIssue(issue) }];
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return 'is required';
    // A key refused by name (z.never) carries its own explanation.
    if (issue.expected === 'never') return issue.message;
    return `must be ${article(issue.expected)}, got ${describeValue(issue.input)}`;
  }
  if (issue.code === 'invalid_value') {
    if (issue.input === undefined)
      return `is required (one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')})`;
    return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(issue.input)}`;
  }
  if (issue.code === 'invalid_union' && 'discriminator' in issue && issue.discriminator === 'kind') {
    // The issue's input is the endpoint mapping; its `kind` is the value to quote.
    const kind =
      issue.input !== null && typeof issue.input === 'object'
        ? (issue.input as { kind?: unknown }).kind
        : issue.input;
    return `must be "async" (the default) or "realtime", got ${describeValue(kind)}`;
  }
  if (issue.code === 'invalid_union') {
    return `has an invalid value ${describeValue(issue.input)}`;
  }
  return issue.message;
}

function article(t: string): string {
  if (t === 'array') return 'a list';
  if (t === 'object') return 'a mapping';
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  return String(v);
}

/**
 * Keys the schema allows at a path (for "did you mean"). `input` picks the branch of a union: an
 * endpoint's keys depend on its `kind`.
 */
function knownKeysAt(p: readonly PropertyKey[], input: unknown): string[] {
  let schema: unknown = configSchema;
  let value: unknown = input;
  for (const seg of p) {
    schema = unwrap(schema, value);
    if (typeof seg === 'number') {
      schema =
        (schema as { element?: unknown }).element ?? (schema as { def?: { element?: unknown } }).def?.element;
    } else {
      const shape = (schema as { shape?: Record<string, unknown> }).shape;
      schema = shape?.[String(seg)];
    }
    value =
      value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[seg] : undefined;
    if (!schema) return [];
  }
  const shape = (unwrap(schema, value) as { shape?: Record<string, unknown> }).shape;
  return shape ? Object.keys(shape).filter((k) => !refusedByName(shape[k])) : [];
}

/** A z.never() key exists only to explain why it is not allowed: never a suggestion. */
function refusedByName(schema: unknown): boolean {
  return (unwrap(schema, undefined) as { def?: { type?: string } }).def?.type === 'never';
}

function unwrap(schema: unknown, value: unknown): unknown {
  let s = schema as {
    def?: { type?: string; innerType?: unknown; in?: unknown; schema?: unknown; options?: unknown[] };
  };
  const kind = value !== null && typeof value === 'object' ? (value as { kind?: unknown }).kind : undefined;
  for (let i = 0; i < 10 && s?.def; i++) {
    const d = s.def;
    if (d.type === 'optional' || d.type === 'default' || d.type === 'nullable' || d.type === 'prefault')
      s = d.innerType as typeof s;
    else if (d.type === 'pipe') s = d.in as typeof s;
    else if (d.type === 'union' && Array.isArray(d.options)) {
      const objects = d.options.filter((o) => (o as { shape?: unknown }).shape);
      // The branch whose `kind` literal matches the input's, else the first (the default kind).
      const byKind = objects.find((o) => {
        const k = (o as { shape: Record<string, unknown> }).shape.kind;
        const lit = unwrap(k, undefined) as { def?: { values?: unknown[] } } | undefined;
        return kind !== undefined && lit?.def?.values?.includes(kind);
      });
      const obj = byKind ?? objects[0];
      if (!obj) break;
      s = obj as typeof s;
    } else break;
  }
  return s;
}

function locateNode(
  doc: Document,
  lc: LineCounter,
  p: readonly PropertyKey[],
): { line?: number; column?: number } {
  // Walk down as far as the document goes; an unknown or missing key points at its nearest parent.
  let node: unknown = doc.contents;
  let best: Node | undefined = isNode(node) ? node : undefined;
  let keyNode: Node | undefined;
  for (const seg of p) {
    keyNode = undefined;
    if (isMap(node)) {
      const pair = node.items.find((it) => isScalar(it.key) && String(it.key.value) === String(seg));
      if (!pair) break;
      keyNode = isNode(pair.key) ? pair.key : undefined;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
    } else break;
    if (isNode(node)) best = node;
  }
  const target = keyNode ?? best;
  const offset = target?.range?.[0];
  if (offset === undefined) return {};
  const pos = lc.linePos(offset);
  return { line: pos.line, column: pos.col };
}

/**
 * The key path of the innermost node at `offset`, for problems the yaml library reports by position.
 * Children are in document order and ranges end-exclusive, so the first child ending after `offset`
 * holds it; an `offset` before a node's own start is in its props (a tag), which belong to that node.
 */
function pathAt(doc: Document, offset: number): PropertyKey[] {
  const out: PropertyKey[] = [];
  const end = (n: unknown): number => (isNode(n) ? (n.range?.[2] ?? -1) : -1);
  let node: unknown = doc.contents;
  while ((isMap(node) || isSeq(node)) && offset >= (node.range?.[0] ?? 0)) {
    if (isMap(node)) {
      const pair = node.items.find((it) => Math.max(end(it.key), end(it.value)) > offset);
      if (!pair) break;
      const key = pair.key;
      out.push(isScalar(key) ? String(key.value ?? '') : String(key ?? ''));
      if (end(key) > offset) break; // on the key itself, or a tag before it
      node = pair.value;
    } else {
      const i = node.items.findIndex((it) => end(it) > offset);
      if (i < 0) break;
      out.push(i);
      node = node.items[i];
    }
  }
  return out;
}

export function formatPath(p: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of p) {
    if (typeof seg === 'number') out += `[${seg}]`;
    // An empty key, or one that would read as path syntax, is quoted so the path still names it.
    else if (String(seg) === '' || /[.[\]\s"]/.test(String(seg))) out += `[${JSON.stringify(String(seg))}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}

function projectFromFile(file: string): string {
  const base = path.basename(file).replace(/\.(ya?ml)$/i, '');
  const cleaned = base
    .replace(/[^a-zA-Z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
  return cleaned || 'sagezero';
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

/**
 * The file's `store:` (`${SAGEZERO_STORE:-...}` in the example configs and the Docker image: the
 * variable is read through the file, never over it, so the image's default cannot override a store
 * a config names). A path is relative to the config file; a URL is checked here.
 */
function storeLocation(value: string, file: string): string {
  if (!isPgUrl(value)) return path.resolve(path.dirname(path.resolve(file)), value);
  try {
    parsePgUrl(value);
  } catch (e) {
    throw new ConfigError([{ file, path: 'store', message: (e as Error).message }]);
  }
  return value;
}
