// Probe results: one row per synthetic invocation, written when it starts and completed when it ends.

export type ProbeOutcome = 'running' | 'success' | 'model_error' | 'timeout' | 'interrupted' | 'error';

export interface ProbeResult {
  id: string;
  endpoint: string;
  startedAt: number;
  finishedAt?: number;
  instancesAtStart: number;
  /** True when the endpoint had no instance in service at the start. */
  cold: boolean;
  /** Cold probes: waiting in the queue until scale-out began. */
  queuedS?: number;
  /** Cold probes: scale-out began until the instance was InService. */
  scaleOutS?: number;
  /** Cold probes: InService until the output appeared. */
  inServiceToOutputS?: number;
  totalS?: number;
  outcome: ProbeOutcome;
  inferenceId?: string;
  inputLocation?: string;
  outputLocation?: string;
  failureLocation?: string;
  errorMessage?: string;
  /** The process running it, `<host>:<pid>:<tag>` (see src/daemon/probe-recovery.ts). */
  holder?: string;
  /** Real-time endpoints: the inference component probed (`endpoint` is its endpoint). */
  component?: string;
  /** Real-time cold probes: start until the wake alarm was seen in ALARM. */
  alarmS?: number;
  /** Real-time probes: invocations refused (no capacity, throttled) before the answer. */
  failedInvocations?: number;
}

export interface ColdProbe {
  startedAt: number;
  finishedAt: number | undefined;
  outcome: ProbeOutcome;
  totalS: number | undefined;
  /** Real-time probes: the component probed. */
  component?: string;
}

export interface ProbeRepo {
  /** Inserts or replaces the whole row (a probe is written at start and again at the end). */
  save(p: ProbeResult): Promise<void>;
  get(id: string): Promise<ProbeResult | undefined>;
  /** The endpoint's latest probe; with `component`, that inference component's latest. */
  latest(endpoint: string, component?: string): Promise<ProbeResult | undefined>;
  /**
   * What the alert rules judge by, started in [from, to): the latest successful cold probe with a
   * total, the latest finished one (success, model_error, timeout, error) and the latest error, each
   * once, oldest first. Three indexed lookups instead of every probe of the window each round.
   */
  latestOutcomes(endpoint: string, from: number, to: number): Promise<ProbeResult[]>;
  /** Probes started in [from, to), oldest first. */
  between(endpoint: string, from: number, to: number): Promise<ProbeResult[]>;
  /** Cold probes started in [from, to), oldest first, with only what the cost report needs. */
  coldBetween(endpoint: string, from: number, to: number): Promise<ColdProbe[]>;
  /** Completed cold probes of every endpoint (for the /metrics histogram). */
  coldTotals(): Promise<{ endpoint: string; totalS: number }[]>;
  /** Marks still-running probes as interrupted (all, or only `holder`'s); returns how many. */
  interruptRunning(at: number, message: string, holder?: string): Promise<number>;
  /** Probes still marked running (left by a process that died mid-probe). */
  running(): Promise<ProbeResult[]>;
}
