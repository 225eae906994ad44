// Version matching as the SageMaker Python SDK does it (JumpStartModelsCache._select_version):
// "*" is the highest listed version; anything else is a PEP 440 "==" specifier, so "2.*" is the
// highest 2.x.y, "2.1.*" the highest 2.1.y, and "2.1.0" (or "2.1") exactly 2.1.0. Versions compare
// numerically, so 2.0.10 is newer than 2.0.9.

/** Release segments of a plain version ("2.1.0" -> [2, 1, 0]), or undefined when it is not one. */
export function parseVersion(v: string): number[] | undefined {
  if (!/^\d+(\.\d+)*$/.test(v)) return undefined;
  return v.split('.').map(Number);
}

export function compareVersions(a: readonly number[], b: readonly number[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** True when `requested` is a form selectVersion understands. */
export function isVersionSpecifier(requested: string): boolean {
  return requested === '*' || /^\d+(\.\d+)*(\.\*)?$/.test(requested);
}

function matches(requested: string, version: readonly number[]): boolean {
  if (requested === '*') return true;
  if (requested.endsWith('.*')) {
    // Prefix match on release segments, missing segments count as 0 (PEP 440 "==X.*").
    const prefix = parseVersion(requested.slice(0, -2));
    return !!prefix && prefix.every((p, i) => (version[i] ?? 0) === p);
  }
  const exact = parseVersion(requested);
  return !!exact && compareVersions(exact, version) === 0;
}

/** The highest of `available` that `requested` matches, as written in `available`. */
export function selectVersion(requested: string, available: readonly string[]): string | undefined {
  let best: { text: string; parts: number[] } | undefined;
  for (const text of available) {
    const parts = parseVersion(text);
    if (!parts || !matches(requested, parts)) continue;
    if (!best || compareVersions(parts, best.parts) > 0) best = { text, parts };
  }
  return best?.text;
}
