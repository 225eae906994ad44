// Names of the scaling resources of one endpoint. They are derived, never stored, so a later run (or
// another machine) finds exactly the resources an earlier one created.

export function policyName(endpoint: string, role: 'target' | 'wake' | 'idle'): string {
  return `sagezero-${endpoint}-${role === 'target' ? 'backlog-target' : role}`;
}

export function alarmName(endpoint: string, role: 'wake' | 'idle'): string {
  return `sagezero-${endpoint}-${role}`;
}

export function keepWarmActionName(endpoint: string, index: number, edge: 'open' | 'close'): string {
  return `sagezero-${endpoint}-keepwarm-${index}-${edge}`;
}

/** The prefix that lists this endpoint's alarms; callers still match exact names (see ownsAlarmName). */
export function alarmPrefix(endpoint: string): string {
  return `sagezero-${endpoint}-`;
}

/** True for the alarm names this endpoint's policy set can create (not those of "endpoint-x"). */
export function ownsAlarmName(endpoint: string, name: string): boolean {
  return name === alarmName(endpoint, 'wake') || name === alarmName(endpoint, 'idle');
}

/** Policies and scheduled actions are scoped to the endpoint's scalable target; ours share a prefix. */
export function isSagezeroName(name: string): boolean {
  return name.startsWith('sagezero-');
}
