// Alert state: one row per alert key, so repeats are suppressed and a resolve follows a fire.

export type AlertStateValue = 'firing' | 'resolved';

export interface AlertRecord {
  key: string;
  endpoint?: string;
  rule: string;
  state: AlertStateValue;
  firstFiredAt: number;
  lastFiredAt: number;
  lastNotifiedAt?: number;
  resolvedAt?: number;
  /** Short human summary of the payload last sent (never secrets). */
  summary: string;
}

export interface AlertRepo {
  get(key: string): Promise<AlertRecord | undefined>;
  save(a: AlertRecord): Promise<void>;
  firing(): Promise<AlertRecord[]>;
  all(): Promise<AlertRecord[]>;
}
