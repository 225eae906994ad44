// What the row modules here hand to either backend's statements. Both drivers read a table's columns
// as the same JS values (pg/connect.ts parses BIGINT to a number; 0/1 flags are numbers on both), so
// one mapping per table serves the SQLite and the PostgreSQL repos.

/** A statement parameter, bound positionally, in the order of the table module's column list. */
export type SqlValue = string | number | null;

/**
 * How a backend stores a free-text value. PostgreSQL's TEXT cannot hold NUL, so its repos pass
 * pg/text.ts pgText; SQLite keeps the string as given.
 */
export type StoreText = (s: string) => string;

export const keepText: StoreText = (s) => s;

/** An optional free-text field: NULL when absent. */
export const optionalText = (s: string | undefined, text: StoreText): string | null =>
  s === undefined ? null : text(s);
