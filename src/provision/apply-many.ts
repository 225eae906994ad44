// apply on many endpoints: each endpoint's plan carried out on its own, up to `concurrency` at a time
// (fewer while AWS throttles, see parallel.ts), each with its own progress lines. One endpoint failing
// does not stop the others; every outcome is reported.
import { applyEndpointPlan, type ApplyContext } from './apply.js';
import { AdaptiveLimit, runLimited } from './parallel.js';
import type { EndpointPlan } from './types.js';
import { formatDuration, waitForSettled } from './wait.js';

export interface EndpointOutcome {
  endpoint: string;
  /** Why it failed; undefined when its plan was carried out. */
  error?: unknown;
}

export interface ApplyManyOptions {
  concurrency: number;
  /** Plans the endpoint again after waiting for it to settle (it was busy when planned). */
  replan: (plan: EndpointPlan) => Promise<EndpointPlan>;
}

export async function applyMany(
  ctx: ApplyContext,
  plans: readonly EndpointPlan[],
  o: ApplyManyOptions,
): Promise<EndpointOutcome[]> {
  const todo = plans.filter((p) => p.changes.length > 0);
  const limit = new AdaptiveLimit(o.concurrency, (n, why) =>
    ctx.progress(
      why === 'throttled'
        ? `AWS is throttling: ${n} endpoint(s) at a time from now`
        : `${n} endpoint(s) at a time again`,
    ),
  );
  if (todo.length > 1)
    ctx.progress(
      `applying ${todo.length} endpoints, up to ${Math.min(o.concurrency, todo.length)} at a time`,
    );
  return Promise.all(
    todo.map(async (plan, i): Promise<EndpointOutcome> => {
      const name = plan.endpoint;
      try {
        await runLimited(
          async () => {
            const started = ctx.clock.now();
            if (todo.length > 1) ctx.progress(`${name}: started (${i + 1} of ${todo.length})`);
            let ep = plan;
            if (ep.busy) {
              ctx.progress(ep.busy);
              await waitForSettled(name, ctx).catch((e: unknown) => {
                if (ctx.signal?.aborted) throw e;
              });
              // The endpoint moved on while we waited: compare again before acting.
              ep = await o.replan(ep);
            }
            await applyEndpointPlan(ctx, ep);
            if (todo.length > 1)
              ctx.progress(`${name}: done in ${formatDuration(ctx.clock.now() - started)}`);
          },
          {
            limit,
            clock: ctx.clock,
            ...(ctx.signal ? { signal: ctx.signal } : {}),
            onThrottled: (e, retryInMs) =>
              ctx.progress(
                `${name}: throttled by AWS (${e.code})${retryInMs !== undefined ? `; trying again in ${formatDuration(retryInMs)}` : ''}`,
              ),
          },
        );
        return { endpoint: name };
      } catch (error) {
        return { endpoint: name, error };
      }
    }),
  );
}
