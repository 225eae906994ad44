// Bridges the Cloud's ApiCallObserver to the store's call counters.
import type { Clock } from '../clock.js';
import type { ApiCallObserver } from '../cloud/types.js';
import type { ApiCallRecord } from './api-calls.js';
import type { Store } from './store.js';

/**
 * `store` is read at each call: serve records through the daemon's fenced store once it runs, so a
 * deposed leader's last calls are not written after another has taken over (src/store/fence.ts).
 */
export function storeApiCallObserver(
  store: Pick<Store, 'apiCalls'>,
  clock: Clock,
  next?: ApiCallObserver,
): ApiCallObserver {
  return {
    onCall(call) {
      const rec: ApiCallRecord = { service: call.service, operation: call.operation, ok: call.ok };
      if (call.errorCode !== undefined) rec.errorCode = call.errorCode;
      if (call.retriedErrors) rec.retriedErrors = call.retriedErrors;
      // Not awaited, and failures dropped: counting is best effort, and a locked or closed store must
      // neither fail nor delay the AWS call being counted.
      store.apiCalls.record(rec, clock.now()).catch(() => {});
      next?.onCall(call);
    },
  };
}
