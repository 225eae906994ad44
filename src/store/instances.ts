// Instance-count transitions: the step function the cost report integrates.

/**
 * Where a transition came from. 'created': the endpoint's CreationTime with its initial count;
 * 'deleted': a poll found the endpoint gone (count 0 from then on, the end of its life).
 */
export type InstanceSource = 'poll' | 'activity' | 'sim' | 'created' | 'deleted';

export interface InstanceTransition {
  endpoint: string;
  variant: string;
  /** ms since the epoch from which `count` holds. */
  at: number;
  count: number;
  source: InstanceSource;
  /** Set when the transition was derived from a scaling activity (makes backfill idempotent). */
  activityId?: string;
}

export interface StepPoint {
  at: number;
  count: number;
}

export interface InstanceWindow {
  /** Count in force at the window start (last transition at or before it), undefined if none. */
  initial: number | undefined;
  /** Transitions strictly inside (start, end), in time order. */
  transitions: StepPoint[];
}

/**
 * One stretch of an endpoint's existence as sagezero recorded it: from its first record (or the
 * first record after a deletion) to its deletion. `end` undefined: not deleted (yet).
 */
export interface EndpointLifeSpan {
  start: number;
  /** Source of the record the life starts at ('created' when timed by CreationTime). */
  startSource: InstanceSource;
  end?: number;
}

export interface InstanceRepo {
  /** Inserts a transition; returns false when one with the same activity id already exists. */
  insert(t: InstanceTransition): Promise<boolean>;
  latest(endpoint: string, variant: string): Promise<InstanceTransition | undefined>;
  first(endpoint: string, variant: string): Promise<InstanceTransition | undefined>;
  /** Count in force at `at` (last transition at or before it). */
  countAt(endpoint: string, variant: string, at: number): Promise<number | undefined>;
  window(endpoint: string, variant: string, start: number, end: number): Promise<InstanceWindow>;
  /** Every transition of a variant, oldest first (for tests and exports). */
  all(endpoint: string, variant: string): Promise<InstanceTransition[]>;
  /**
   * The variant's lives, oldest first: the first record starts one, a 'deleted' transition ends it,
   * and the next record after a deletion (a re-created endpoint) starts the next. Empty: no history.
   */
  lives(endpoint: string, variant: string): Promise<EndpointLifeSpan[]>;
  /** (endpoint, variant) pairs that have any history. */
  keys(): Promise<{ endpoint: string; variant: string }[]>;
  /** Time of the oldest transition of any endpoint. */
  earliest(): Promise<number | undefined>;
}
