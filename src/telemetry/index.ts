export { pollOnce, DEFAULT_POLL_INTERVAL_MS, ACTIVITY_HORIZON_MS, METRIC_RETENTION_MS } from './poll.js';
export type { PollContext, PollResult, EndpointPoll } from './poll.js';
export { ASYNC_METRICS, planMetricQueries, toMetricPoints } from './queries.js';
export { PollMemory, REFRESH_MS, SETTLING_REFRESH_MS, ACTIVITY_OVERLAP_MS } from './poll-memory.js';
export type { ChangeHints } from './poll-memory.js';
