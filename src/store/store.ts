// Opening a store: a postgres:// URL selects PostgreSQL (src/store/pg/), anything else is a SQLite file.
import { isPgUrl } from './pg/url.js';
import { openPgStore } from './pg/store.js';
import { openSqliteStore } from './sqlite/store.js';
import type { OpenStoreOptions, Store } from './types.js';

export { StoreError, type OpenStoreOptions, type Store, type GroupCommit } from './types.js';

/** Opens (creating if needed) the store at `location`, or `:memory:` for tests. Throws StoreError. */
export async function openStore(location: string, options: OpenStoreOptions = {}): Promise<Store> {
  if (isPgUrl(location)) return openPgStore(location, options);
  return await Promise.resolve(openSqliteStore(location, options));
}
