import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from './store.js';
import { tempDir } from '../../test/support/temp-dir.js';

describe('leases', () => {
  it('one holder at a time across two connections; expiry and release hand it over', () => {
    const file = path.join(tempDir('sagezero-lease-'), 's.db');
    const a = openStore(file);
    const b = openStore(file);
    try {
      expect(a.leases.tryAcquire('daemon', 'A', 1000, 30_000)).toBe(true);
      expect(b.leases.tryAcquire('daemon', 'B', 2000, 30_000)).toBe(false);
      expect(a.leases.tryAcquire('daemon', 'A', 20_000, 30_000)).toBe(true); // renewal
      expect(b.leases.tryAcquire('daemon', 'B', 40_000, 30_000)).toBe(false); // renewed until 50 000
      expect(b.leases.tryAcquire('daemon', 'B', 50_001, 30_000)).toBe(true); // expired: taken over
      expect(a.leases.tryAcquire('daemon', 'A', 50_002, 30_000)).toBe(false);
      b.leases.release('daemon', 'A'); // not A's to release any more: no effect
      expect(a.leases.get('daemon')?.holder).toBe('B');
      b.leases.release('daemon', 'B');
      expect(a.leases.tryAcquire('daemon', 'A', 50_003, 30_000)).toBe(true);
    } finally {
      a.close();
      b.close();
    }
  });
});
