// PostgreSQL TEXT cannot hold the NUL character (SQLite's can), and a free-text field here can carry
// what a model or a remote service wrote (a probe's failure object, an SDK error message). Refusing
// the row would lose the outcome it records, so NUL becomes U+FFFD, as an undecodable byte would.
export function pgText(s: string): string;
export function pgText(s: string | undefined): string | undefined;
export function pgText(s: string | undefined): string | undefined {
  return s?.includes('\0') ? s.replaceAll('\0', '\uFFFD') : s;
}
