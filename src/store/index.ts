export { openStore, StoreError, type Store, type OpenStoreOptions, type GroupCommit } from './store.js';
export { isPgUrl, localStateDir, storeExists, storeLabel } from './location.js';
export type {
  EndpointLifeSpan,
  InstanceTransition,
  InstanceSource,
  StepPoint,
  InstanceWindow,
} from './instances.js';
export type { MetricPoint, MinuteRange } from './metrics.js';
export type { StoredActivity } from './activities.js';
export type { StoredPrice, StoredPriceSource } from './prices.js';
export type { ProbeResult, ProbeOutcome, ColdProbe } from './probes.js';
export type { AlertRecord, AlertStateValue } from './alerts.js';
export type { ApiCallRecord, ApiCallTotal } from './api-calls.js';
export type { ControllerRun } from './controllers.js';
export type { TelemetryGap } from './gaps.js';
export type { SpecCacheEntry } from './spec-cache.js';
export { META } from './meta.js';
export { storeApiCallObserver } from './observer.js';
export type { StoredBillingDay } from './billing.js';
export type { StoredCalibration } from './calibrations.js';
export type { Lease } from './leases.js';
