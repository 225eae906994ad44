// Per-controller run outcomes, so a controller that keeps failing shows in /metrics and alerts.

export interface ControllerRun {
  controller: string;
  okCount: number;
  errorCount: number;
  consecutiveErrors: number;
  lastOkAt?: number;
  lastErrorAt?: number;
  lastError?: string;
}

export interface ControllerRepo {
  ok(controller: string, at: number): Promise<void>;
  error(controller: string, at: number, message: string): Promise<void>;
  get(controller: string): Promise<ControllerRun | undefined>;
  all(): Promise<ControllerRun[]>;
}
