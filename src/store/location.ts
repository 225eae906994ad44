// Where the store is: a SQLite file path, or a postgres:// URL (issue 17). Code that used to ask the
// file system about the store asks here, so a URL is never taken for a missing file.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describeTarget, isPgUrl, parsePgUrl } from './pg/url.js';

export { isPgUrl } from './pg/url.js';

/**
 * Whether there is a store to read. A PostgreSQL store is a server: whether the database has
 * sagezero's tables is for opening it to say, with its own clear error.
 */
export function storeExists(location: string): boolean {
  return isPgUrl(location) || existsSync(location);
}

/** The store for messages and logs: the path, or the URL without its password. */
export function storeLabel(location: string): string {
  if (!isPgUrl(location)) return location;
  try {
    return describeTarget(parsePgUrl(location).target);
  } catch {
    return 'postgres://(invalid URL)';
  }
}

/**
 * A directory beside the store for this machine's own files (the CLI's simulated-region state):
 * the store's directory for SQLite, `var/` beside the config file for PostgreSQL.
 */
export function localStateDir(location: string, configFile: string): string {
  return isPgUrl(location) ? path.join(path.dirname(configFile), 'var') : path.dirname(location);
}
