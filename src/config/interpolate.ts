// ${VAR} and ${VAR:-default} in string values, resolved from the environment before validation.
// "$${" escapes a literal "${". A missing variable without a default is an error naming the key.

export interface InterpolationIssue {
  path: PropertyKey[];
  message: string;
}

const PATTERN = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$\{[^}]*\}?/g;

export function interpolateEnv(
  value: unknown,
  env: NodeJS.ProcessEnv,
): { value: unknown; issues: InterpolationIssue[] } {
  const issues: InterpolationIssue[] = [];
  const walk = (v: unknown, p: PropertyKey[]): unknown => {
    if (typeof v === 'string') return typed(v, interpolateString(v, env, p, issues));
    if (Array.isArray(v)) return v.map((item, i) => walk(item, [...p, i]));
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, walk(item, [...p, k])]));
    }
    return v;
  };
  return { value: walk(value, []), issues };
}

function interpolateString(
  s: string,
  env: NodeJS.ProcessEnv,
  p: PropertyKey[],
  issues: InterpolationIssue[],
): string {
  if (!s.includes('$')) return s;
  return s.replace(PATTERN, (match: string, name: string | undefined, fallback: string | undefined) => {
    if (match === '$${') return '${';
    if (!name) {
      issues.push({
        path: p,
        message: `malformed variable reference ${JSON.stringify(match)} (use \${NAME} or \${NAME:-default})`,
      });
      return match;
    }
    const v = env[name];
    if (v !== undefined && v !== '') return v;
    if (fallback !== undefined) return fallback;
    issues.push({ path: p, message: `environment variable ${name} is not set` });
    return '';
  });
}

/**
 * `maxCapacity: ${MAX}` should give a number: when the whole value is one variable reference, a
 * substituted number or boolean keeps its YAML type. Anything else stays a string.
 */
function typed(original: string, value: string): string | number | boolean {
  if (!/^\$\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\}$/.test(original)) return value;
  if (/^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (value === 'true' || value === 'false') return value === 'true';
  return value;
}
