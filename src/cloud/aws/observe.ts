// Reports every SDK call to the ApiCallObserver. Two middlewares per client:
// - at the top of the stack ('initialize', high priority), so one logical call is one report however
//   many retries it took, and nothing that goes through a client can bypass the count;
// - inside the retry loop ('finalizeRequest', low priority: after the SDK's retryMiddleware), so each
//   failed attempt's error code is collected even when a retry then succeeds. Throttling and 5xx
//   answers the SDK absorbs still show in /metrics.
// The clients cache their resolved middleware (clients.ts), so concurrent calls of one command share
// one handler context: a call's failed attempts travel in async-local storage, never on the context.
import { AsyncLocalStorage } from 'node:async_hooks';
import { isMutatingOperation, type ApiCall, type ApiCallObserver } from '../types.js';
import { errorCode, isAutoScalingNotFound, isS3NoSuchKey, isSageMakerNotFound } from './errors.js';

interface Context {
  commandName?: string;
}

/** The failed attempts of the call in progress, collected by the attempt middleware. */
const attemptErrors = new AsyncLocalStorage<unknown[]>();

/** Generic over the handler's argument and result, so it fits every client's stack unchanged. */
type ObserverMiddleware = <A, R>(next: (args: A) => Promise<R>, context: Context) => (args: A) => Promise<R>;

/** The slice of an SDK client's middleware stack this module uses. */
export interface MiddlewareStackLike {
  add(
    middleware: ObserverMiddleware,
    options: { step: 'initialize'; name: string; priority: 'high'; override: boolean },
  ): void;
  add(
    middleware: ObserverMiddleware,
    options: { step: 'finalizeRequest'; name: string; priority: 'low'; override: boolean },
  ): void;
}

export function operationName(commandName: string | undefined): string {
  return (commandName ?? 'Unknown').replace(/Command$/, '');
}

export function observeCalls(stack: MiddlewareStackLike, service: string, observer: ApiCallObserver): void {
  const perCall: ObserverMiddleware = (next, context) => async (args) => {
    const operation = operationName(context.commandName);
    const mutating = isMutatingOperation(operation);
    const attempts: unknown[] = [];
    try {
      const result = await attemptErrors.run(attempts, () => next(args));
      notify(observer, withRetries({ service, operation, mutating, ok: true }, attempts.map(errorCode)));
      return result;
    } catch (e) {
      // The attempt that failed last is the call's own error; only the others were retried.
      const retried = attempts.filter((a) => a !== e).map(errorCode);
      const call: ApiCall = isNotFoundAnswer(e)
        ? { service, operation, mutating, ok: true }
        : { service, operation, mutating, ok: false, errorCode: errorCode(e) };
      notify(observer, withRetries(call, retried));
      throw e;
    }
  };
  const perAttempt: ObserverMiddleware = (next) => async (args) => {
    try {
      return await next(args);
    } catch (e) {
      attemptErrors.getStore()?.push(e);
      throw e;
    }
  };
  stack.add(perCall, {
    step: 'initialize',
    name: 'sagezeroApiCallObserver',
    priority: 'high',
    override: true,
  });
  stack.add(perAttempt, {
    step: 'finalizeRequest',
    name: 'sagezeroApiAttemptObserver',
    priority: 'low',
    override: true,
  });
}

/**
 * "No such resource" is an answer, not a failure: sagezero asks on purpose (does the endpoint exist
 * yet? is the probe's result written?), so counting it as an error would make every first apply
 * and every probe wait look like an AWS outage in /metrics and the sustained-errors alert.
 */
export function isNotFoundAnswer(e: unknown): boolean {
  const code = errorCode(e);
  return (
    isSageMakerNotFound(e, 'endpoint') ||
    isSageMakerNotFound(e, 'endpoint configuration') ||
    isSageMakerNotFound(e, 'model') ||
    isAutoScalingNotFound(e) ||
    isS3NoSuchKey(e) ||
    code === 'ResourceNotFound' ||
    code === 'ResourceNotFoundException'
  );
}

function withRetries(call: ApiCall, retried: string[]): ApiCall {
  return retried.length > 0 ? { ...call, retriedErrors: retried } : call;
}

/** A failing counter must not turn a successful AWS call (say, a create) into a reported failure. */
function notify(observer: ApiCallObserver, call: ApiCall): void {
  try {
    observer.onCall(call);
  } catch {
    // The observer is bookkeeping; the cloud call's own outcome is what the caller needs.
  }
}
