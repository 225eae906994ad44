// Config problems, phrased for the person editing the file: file:line, the key, what is wrong.

export interface ConfigIssue {
  file: string;
  line?: number;
  column?: number;
  /** Dotted key path, e.g. endpoints[0].scaling.minCapacity; empty for the whole file. */
  path: string;
  message: string;
}

export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'ConfigError';
  }
}

export function formatIssue(i: ConfigIssue): string {
  const where =
    i.line !== undefined ? `${i.file}:${i.line}${i.column !== undefined ? `:${i.column}` : ''}` : i.file;
  return i.path ? `${where}: ${i.path}: ${i.message}` : `${where}: ${i.message}`;
}
