// A small IAM evaluator for sagezero's own policies: does an Allow statement cover this action on
// these resources in this request context? It implements what the generated policies use (action and
// ARN wildcards, StringEquals / StringLike / ArnLike / ForAnyValue:StringEquals) and nothing else;
// there are no Deny statements to weigh.
import type { ConditionBlock, PolicyDocument, PolicyStatement } from './types.js';

export interface AuthzRequest {
  /** `service:Operation`, e.g. `sagemaker:CreateModel`. */
  action: string;
  /** ARNs the request touches; `*` for actions without resource-level permissions. */
  resources: string[];
  /** Condition keys of the request (`aws:RequestTag/k`, `iam:PassedToService`, ...). */
  context?: Record<string, string | string[]>;
}

/** `*` matches any run of characters (including `/` and `:`), `?` exactly one. */
export function wildcardMatch(pattern: string, value: string, caseInsensitive = false): boolean {
  const source = pattern
    .split('')
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, caseInsensitive ? 'is' : 's').test(value);
}

function actionMatches(statement: PolicyStatement, action: string): boolean {
  // Action names are case-insensitive in IAM; resource ARNs are not.
  return statement.Action.some((a) => wildcardMatch(a, action, true));
}

function resourceMatches(statement: PolicyStatement, resource: string): boolean {
  return statement.Resource.some((r) => r === '*' || wildcardMatch(r, resource));
}

function lookup(context: AuthzRequest['context'], key: string): string[] | undefined {
  if (!context) return undefined;
  const found = Object.entries(context).find(([k]) => k.toLowerCase() === key.toLowerCase());
  if (!found) return undefined;
  return Array.isArray(found[1]) ? found[1] : [found[1]];
}

/** Every operator and key of the block must hold; a key missing from the context fails (no ...IfExists). */
export function conditionsHold(
  condition: ConditionBlock | undefined,
  context: AuthzRequest['context'],
): boolean {
  if (!condition) return true;
  for (const [operator, keys] of Object.entries(condition)) {
    for (const [key, expected] of Object.entries(keys ?? {})) {
      const wanted = Array.isArray(expected) ? expected : [expected];
      const actual = lookup(context, key);
      if (!actual || actual.length === 0) return false;
      const one = (v: string): boolean =>
        operator === 'StringEquals' || operator === 'ForAnyValue:StringEquals'
          ? wanted.includes(v)
          : wanted.some((w) => wildcardMatch(w, v));
      // Single-valued operators need the (one) value to match; ForAnyValue needs any of them to.
      const ok = operator === 'ForAnyValue:StringEquals' ? actual.some(one) : actual.every(one);
      if (!ok) return false;
    }
  }
  return true;
}

/** The statements that allow `request` on `resource`. */
function allowingStatements(doc: PolicyDocument, request: AuthzRequest, resource: string): PolicyStatement[] {
  return doc.Statement.filter(
    (s) =>
      s.Effect === 'Allow' &&
      actionMatches(s, request.action) &&
      resourceMatches(s, resource) &&
      conditionsHold(s.Condition, request.context),
  );
}

/** Resources of the request no statement allows (empty: the request is allowed). */
export function deniedResources(doc: PolicyDocument, request: AuthzRequest): string[] {
  const resources = request.resources.length > 0 ? request.resources : ['*'];
  return resources.filter((r) => allowingStatements(doc, request, r).length === 0);
}

export function isAllowed(doc: PolicyDocument, request: AuthzRequest): boolean {
  return deniedResources(doc, request).length === 0;
}

/** Actions written with a wildcard (`sagemaker:*`, `s3:Get*`): least privilege names each action. */
export function wildcardActions(doc: PolicyDocument): string[] {
  return doc.Statement.flatMap((s) => s.Action).filter((a) => /[*?]/.test(a));
}
