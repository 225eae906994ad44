// Bearer-token checks. Tokens are compared by SHA-256 digest in constant time, so neither the
// token's length nor its prefix leaks through response timing.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

export function tokenMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!m) return false;
  return timingSafeEqual(digest(m[1]!.trim()), digest(token));
}

/** Requires the token when one is configured; lets everything through otherwise. */
export function bearerAuth(token: string | undefined): MiddlewareHandler {
  return async (c, next) => {
    if (token !== undefined && !tokenMatches(c.req.header('authorization'), token)) {
      c.header('WWW-Authenticate', 'Bearer realm="sagezero"');
      return c.json(
        { error: { message: 'missing or wrong bearer token (Authorization: Bearer <token>)' } },
        401,
      );
    }
    return next();
  };
}

/** For routes that change something: a token is always required; without one configured they are off. */
export function mutatingAuth(token: string | undefined): MiddlewareHandler {
  return async (c, next) => {
    if (token === undefined) {
      return c.json(
        { error: { message: 'this route changes state and needs server.authTokenEnv to be configured' } },
        403,
      );
    }
    return bearerAuth(token)(c, next);
  };
}
