// A lease in the store: several serve processes may share one store, and only the holder acts.
// Acquiring (or renewing) is atomic in every backend: two processes never both see the lease free
// (SQLite: one IMMEDIATE transaction).

export interface Lease {
  name: string;
  holder: string;
  acquiredAt: number;
  expiresAt: number;
}

export interface LeaseRepo {
  /** Takes or renews the lease for `holder` when it is free, expired or already ours. */
  tryAcquire(name: string, holder: string, now: number, ttlMs: number): Promise<boolean>;
  /** Gives the lease up (only if `holder` has it), so a standby can take over at once. */
  release(name: string, holder: string): Promise<void>;
  get(name: string): Promise<Lease | undefined>;
}
