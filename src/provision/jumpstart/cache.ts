// Where resolved JumpStart metadata is kept between runs. The store implements it over SQLite so a
// plan works offline once a model has been resolved; tests and one-shot runs use the in-memory one.
// Keys are the S3 URIs the JSON came from.

export interface JumpStartSpecCache {
  get(key: string): Promise<string | undefined>;
  put(key: string, json: string): Promise<void>;
}

export class InMemorySpecCache implements JumpStartSpecCache {
  private readonly entries = new Map<string, string>();

  async get(key: string): Promise<string | undefined> {
    return this.entries.get(key);
  }

  async put(key: string, json: string): Promise<void> {
    this.entries.set(key, json);
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }
}
