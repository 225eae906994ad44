// Field-by-field comparison of what sagezero wants with what the cloud has, for plans a person reads.

export interface FieldChange {
  field: string;
  expected: unknown;
  actual: unknown;
}

/** Compares the named fields (dotted paths allowed in output); arrays and objects compare by value. */
export function diffFields<T extends object>(
  expected: T,
  actual: T | undefined,
  fields: readonly (keyof T & string)[],
): FieldChange[] {
  const out: FieldChange[] = [];
  for (const field of fields) {
    const e = expected[field];
    const a = actual?.[field];
    if (!sameValue(e, a)) out.push({ field, expected: e, actual: a });
  }
  return out;
}

export function sameValue(a: unknown, b: unknown): boolean {
  return canonical(normalize(a)) === canonical(normalize(b));
}

/** Treats "absent", undefined and empty collections alike: AWS omits empty fields in its answers. */
function normalize(v: unknown): unknown {
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v)) return v.length === 0 ? undefined : v.map(normalize);
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => [k, normalize(x)] as const)
      .filter(([, x]) => x !== undefined);
    return entries.length === 0 ? undefined : Object.fromEntries(entries);
  }
  return v;
}

export function canonical(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const keys = Object.keys(v as Record<string, unknown>).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
}
