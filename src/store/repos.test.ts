import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeRange } from './rows/metrics.js';
import { aggregateSql } from './sqlite/metrics.js';
import { openSqliteStore, type SqliteStore } from './sqlite/store.js';

let s: SqliteStore;
beforeEach(() => {
  s = openSqliteStore(':memory:');
});
afterEach(() => s.close());

describe("SQLite metrics: the range encoding and the aggregate's plan", () => {
  it('encodes whole-minute ranges and drops empty ones', () => {
    const m = 60_000;
    expect(encodeRange({ from: 5 * m, to: 7 * m })).toBe(5 * 1_048_576 + 2);
    expect(encodeRange({ from: 5 * m + 1, to: 7 * m + 59_999 })).toBe(6 * 1_048_576 + 1);
    expect(encodeRange({ from: 5 * m + 1, to: 5 * m + 2 })).toBeUndefined();
    expect(encodeRange({ from: -Infinity, to: 0 })).toBeUndefined();
  });

  it('aggregates with a primary-key range search per range, not a scan', () => {
    const plan = s.db
      .prepare(`EXPLAIN QUERY PLAN ${aggregateSql('MAX(m.value)')}`)
      .all('e', 'X', '[1048576]')
      .map((r) => (r as { detail: string }).detail);
    expect(plan.join('\n')).toMatch(
      /SEARCH m USING PRIMARY KEY \(endpoint=\? AND metric=\? AND minute>\? AND minute<\?\)/,
    );
    expect(plan.join('\n')).not.toMatch(/SCAN m\b/);
  });
});
