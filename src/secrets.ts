// Secrets (the Slack webhook URL, the API token) are registered once and scrubbed from every string
// that leaves the process: log lines, error messages, API responses.

export class Redactor {
  private readonly secrets = new Set<string>();

  add(secret: string | undefined): void {
    // Very short values would redact ordinary words; real secrets are long.
    if (secret && secret.length >= 8) this.secrets.add(secret);
  }

  redact(text: string): string {
    let out = text;
    for (const s of this.secrets) out = out.split(s).join('[redacted]');
    return out;
  }

  /** Deep copy of a JSON-like value with every string redacted. */
  redactValue<T>(value: T): T {
    if (this.secrets.size === 0) return value;
    return JSON.parse(this.redact(JSON.stringify(value) ?? 'null')) as T;
  }
}
