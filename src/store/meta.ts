// Small key/value facts (last successful poll, per-endpoint status) that do not deserve a table.

export interface MetaRepo {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, at: number): Promise<void>;
  getNumber(key: string): Promise<number | undefined>;
  getJson<T>(key: string): Promise<T | undefined>;
  setJson(key: string, value: unknown, at: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Entries whose key starts with `prefix`. */
  list(prefix: string): Promise<{ key: string; value: string; updatedAt: number }[]>;
}

/** Keys other modules share. */
export const META = {
  lastPollAt: 'telemetry.lastSuccessfulPollAt',
  endpointStatus: (name: string): string => `endpoint.status.${name}`,
} as const;
