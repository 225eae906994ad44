// Reports every SDK call to the ApiCallObserver from a middleware at the top of each client's stack
// ('initialize', high priority), so one logical call is one report however many retries it took,
// and nothing that goes through a client can bypass the count.
import { isMutatingOperation, type ApiCallObserver } from '../types.js';
import { errorCode } from './errors.js';

interface Context {
  commandName?: string;
}

/** Generic over the handler's argument and result, so it fits every client's stack unchanged. */
type ObserverMiddleware = <A, R>(next: (args: A) => Promise<R>, context: Context) => (args: A) => Promise<R>;

/** The slice of an SDK client's middleware stack this module uses. */
export interface MiddlewareStackLike {
  add(
    middleware: ObserverMiddleware,
    options: { step: 'initialize'; name: string; priority: 'high'; override: boolean },
  ): void;
}

export function operationName(commandName: string | undefined): string {
  return (commandName ?? 'Unknown').replace(/Command$/, '');
}

export function observeCalls(stack: MiddlewareStackLike, service: string, observer: ApiCallObserver): void {
  const middleware: ObserverMiddleware = (next, context) => async (args) => {
    const operation = operationName(context.commandName);
    const mutating = isMutatingOperation(operation);
    try {
      const result = await next(args);
      notify(observer, { service, operation, mutating, ok: true });
      return result;
    } catch (e) {
      notify(observer, { service, operation, mutating, ok: false, errorCode: errorCode(e) });
      throw e;
    }
  };
  stack.add(middleware, {
    step: 'initialize',
    name: 'sagezeroApiCallObserver',
    priority: 'high',
    override: true,
  });
}

/** A failing counter must not turn a successful AWS call (say, a create) into a reported failure. */
function notify(observer: ApiCallObserver, call: Parameters<ApiCallObserver['onCall']>[0]): void {
  try {
    observer.onCall(call);
  } catch {
    // The observer is bookkeeping; the cloud call's own outcome is what the caller needs.
  }
}
