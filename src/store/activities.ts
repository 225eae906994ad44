// Scaling activities from Application Auto Scaling, kept beyond AWS's six-week horizon.

export interface StoredActivity {
  activityId: string;
  endpoint: string;
  variant: string;
  startTime: number;
  endTime?: number;
  status: string;
  description: string;
  cause: string;
  desiredCount?: number;
}

export interface ActivityRepo {
  /** Inserts or refreshes (an activity seen InProgress later completes); returns true if it was new. */
  upsert(a: StoredActivity): Promise<boolean>;
  get(activityId: string): Promise<StoredActivity | undefined>;
  /** Activities whose start time lies in [from, to], oldest first. */
  between(endpoint: string, from: number, to: number): Promise<StoredActivity[]>;
}
