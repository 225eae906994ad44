// Cache of resolved JumpStart model specs (keyed by model id and version).

export interface SpecCacheEntry {
  key: string;
  json: string;
  fetchedAt: number;
}

export interface SpecCacheRepo {
  get(key: string): Promise<SpecCacheEntry | undefined>;
  put(entry: SpecCacheEntry): Promise<void>;
  delete(key: string): Promise<void>;
}
