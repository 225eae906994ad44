// What a rule says when it finds something wrong: a condition with a stable key (so repeats are
// recognised), the numbers behind it, and what a person should do about it.

export const RULES = {
  'cold-start-slo': { resolvable: true, title: 'Cold start over SLO' },
  'probe-failed': { resolvable: true, title: 'Probe failed' },
  'endpoint-failed': { resolvable: true, title: 'Endpoint failed' },
  'endpoint-stuck': { resolvable: true, title: 'Endpoint stuck' },
  'backlog-without-capacity': { resolvable: true, title: 'Requests waiting with no capacity' },
  // Spend to date only grows within a month; the month rolling over is not news.
  'budget-month-to-date': { resolvable: false, title: 'Budget threshold crossed' },
  'budget-forecast': { resolvable: true, title: 'Budget forecast over threshold' },
  'drift-repaired': { resolvable: false, title: 'Drift detected and repaired' },
  'drift-unrepaired': { resolvable: true, title: 'Drift detected, repair failed' },
  'aws-api-errors': { resolvable: true, title: 'AWS API errors' },
  'controller-failing': { resolvable: true, title: 'Controller failing' },
  'billing-difference': { resolvable: true, title: 'Bill and estimate differ' },
} as const;

export type RuleName = keyof typeof RULES;

export const RULE_NAMES = Object.keys(RULES) as RuleName[];

export type Severity = 'critical' | 'warning' | 'info';

export interface AlertFact {
  label: string;
  value: string;
}

export interface AlertCondition {
  /** Stable identity: the same problem on the same thing has the same key. */
  key: string;
  rule: RuleName;
  endpoint?: string;
  severity: Severity;
  /** Short headline, e.g. "Cold start over SLO on llm-a". */
  title: string;
  /** One sentence with the numbers. */
  summary: string;
  facts: AlertFact[];
  /** What a person should do. */
  action: string;
  /** Record as firing without notifying (a lower budget threshold crossed together with a higher one). */
  silent?: boolean;
}

/** Which (rule, endpoint) pairs an evaluation looked at: only those can resolve. */
export interface EvaluationScope {
  covers(rule: string, endpoint: string | undefined): boolean;
}

export function scopeOf(pairs: Iterable<[RuleName, string | undefined]>): EvaluationScope {
  const set = new Set<string>();
  for (const [rule, endpoint] of pairs) set.add(`${rule}|${endpoint ?? ''}`);
  return { covers: (rule, endpoint) => set.has(`${rule}|${endpoint ?? ''}`) };
}
