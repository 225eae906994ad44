// Where alert state lives: the store's alerts table in the daemon, memory in tests and one-shot runs.
import type { AlertRecord, AlertRepo } from '../store/alerts.js';

export type AlertStateStore = Pick<AlertRepo, 'get' | 'save' | 'firing'>;

export class MemoryAlertState implements AlertStateStore {
  readonly records = new Map<string, AlertRecord>();

  get(key: string): Promise<AlertRecord | undefined> {
    const r = this.records.get(key);
    return Promise.resolve(r ? { ...r } : undefined);
  }

  save(a: AlertRecord): Promise<void> {
    this.records.set(a.key, { ...a });
    return Promise.resolve();
  }

  firing(): Promise<AlertRecord[]> {
    return Promise.resolve(
      [...this.records.values()].filter((r) => r.state === 'firing').map((r) => ({ ...r })),
    );
  }
}
