// Plans for people (Terraform-style symbols, field by field) and for scripts (stable JSON).
import type { FieldChange } from './diff.js';
import type { Plan, ResourceChange } from './types.js';

const SYMBOL: Record<ResourceChange['action'], string> = {
  create: '+',
  update: '~',
  replace: '-/+',
  delete: '-',
};

export function renderPlan(plan: Plan): string {
  const lines: string[] = [`sagezero plan for project "${plan.project}" (${plan.cloud}, ${plan.region})`, ''];
  for (const w of plan.warnings) lines.push(`warning: ${w}`);
  if (plan.warnings.length > 0) lines.push('');
  for (const ep of allEndpoints(plan)) {
    if (ep.refused) {
      lines.push(`endpoint ${ep.endpoint}: REFUSED: ${ep.refused}`, '');
      continue;
    }
    if (ep.changes.length === 0) {
      lines.push(`endpoint ${ep.endpoint}: up to date`);
      continue;
    }
    lines.push(`endpoint ${ep.endpoint}:`);
    if (ep.busy) lines.push(`  (${ep.busy})`);
    for (const c of ep.changes) lines.push(...renderChange(c));
    lines.push('');
  }
  const counts = summarize(plan);
  const refused = allEndpoints(plan).filter((e) => e.refused).length;
  if (counts.total > 0)
    lines.push(
      `Plan: ${counts.create} to create, ${counts.update} to update, ${counts.replace} to replace, ${counts.delete} to delete.`,
    );
  if (refused > 0)
    lines.push(
      `Refused: ${refused} endpoint(s) (see above); apply changes nothing until ${refused > 1 ? 'they are' : 'it is'} resolved.`,
    );
  else if (counts.total === 0) lines.push('No changes. The cloud matches the config.');
  return lines.join('\n');
}

export function renderChange(c: ResourceChange): string[] {
  const head = `  ${SYMBOL[c.action].padEnd(3)} ${c.kind} ${c.name}${c.replaces ? ` (replaces ${c.replaces})` : ''}${c.drift ? ' [drift]' : ''}`;
  return [head, `        ${c.reason}`, ...c.fields.map(renderField)];
}

function renderField(f: FieldChange): string {
  return `        ${f.field}: ${show(f.actual)} -> ${show(f.expected)}`;
}

function show(v: unknown): string {
  if (v === undefined) return '(none)';
  return JSON.stringify(v);
}

/** Async endpoints, then `kind: realtime` ones: each renders the same way. */
function allEndpoints(plan: Plan): (Plan['endpoints'][number] | NonNullable<Plan['realtime']>[number])[] {
  return [...plan.endpoints, ...(plan.realtime ?? [])];
}

export function summarize(plan: Plan): Record<ResourceChange['action'] | 'total', number> {
  const counts = { create: 0, update: 0, replace: 0, delete: 0, total: 0 };
  for (const ep of allEndpoints(plan)) {
    for (const c of ep.changes) {
      counts[c.action]++;
      counts.total++;
    }
  }
  return counts;
}

/** The JSON plan: what changes and why, without the internal observed/desired snapshots. */
export function planToJson(plan: Plan): unknown {
  return {
    project: plan.project,
    cloud: plan.cloud,
    region: plan.region,
    warnings: plan.warnings,
    summary: summarize(plan),
    endpoints: allEndpoints(plan).map((e) => ({
      endpoint: e.endpoint,
      kind: 'kind' in e ? e.kind : 'async',
      status: e.observed.endpoint?.status ?? 'absent',
      refused: e.refused,
      busy: e.busy,
      changes: e.changes,
    })),
  };
}
