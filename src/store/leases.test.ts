import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from './store.js';
import { tempDir } from '../../test/support/temp-dir.js';

describe('leases', () => {
  it('one holder at a time across two connections; expiry and release hand it over', async () => {
    const file = path.join(tempDir('sagezero-lease-'), 's.db');
    const a = await openStore(file);
    const b = await openStore(file);
    try {
      expect(await a.leases.tryAcquire('daemon', 'A', 1000, 30_000)).toBe(true);
      expect(await b.leases.tryAcquire('daemon', 'B', 2000, 30_000)).toBe(false);
      expect(await a.leases.tryAcquire('daemon', 'A', 20_000, 30_000)).toBe(true); // renewal
      expect(await b.leases.tryAcquire('daemon', 'B', 40_000, 30_000)).toBe(false); // renewed until 50 000
      expect(await b.leases.tryAcquire('daemon', 'B', 50_001, 30_000)).toBe(true); // expired: taken over
      expect(await a.leases.tryAcquire('daemon', 'A', 50_002, 30_000)).toBe(false);
      await b.leases.release('daemon', 'A'); // not A's to release any more: no effect
      expect((await a.leases.get('daemon'))?.holder).toBe('B');
      await b.leases.release('daemon', 'B');
      expect(await a.leases.tryAcquire('daemon', 'A', 50_003, 30_000)).toBe(true);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
