// Opening a store. SQLite is the only backend so far; a PostgreSQL URL will select the other one.
import { openSqliteStore } from './sqlite/store.js';
import type { OpenStoreOptions, Store } from './types.js';

export { StoreError, type OpenStoreOptions, type Store, type GroupCommit } from './types.js';

/** Opens (creating if needed) the store at `file`, or `:memory:` for tests. Throws StoreError. */
export async function openStore(file: string, options: OpenStoreOptions = {}): Promise<Store> {
  return await Promise.resolve(openSqliteStore(file, options));
}
