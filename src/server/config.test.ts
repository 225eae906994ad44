import { describe, expect, it } from 'vitest';
import { tokenMatches } from './auth.js';
import { resolveAuthToken, serverConfigOf, serverConfigSchema } from './config.js';

describe('server config', () => {
  it('binds loopback by default', () => {
    expect(serverConfigOf({})).toEqual({ port: 8080, host: '127.0.0.1' });
    expect(serverConfigSchema.parse(undefined)).toEqual({ port: 8080, host: '127.0.0.1' });
  });

  it('rejects a bad variable name or port', () => {
    expect(serverConfigSchema.safeParse({ authTokenEnv: 'not a name' }).success).toBe(false);
    expect(serverConfigSchema.safeParse({ port: 70000 }).success).toBe(false);
  });

  it('resolves the token from the named variable and refuses a missing or short one', () => {
    const s = { port: 0, host: '127.0.0.1', authTokenEnv: 'SZ_TOKEN' };
    expect(resolveAuthToken({ port: 0, host: '127.0.0.1' }, {})).toBeUndefined();
    expect(resolveAuthToken(s, { SZ_TOKEN: 'a-long-enough-token' })).toBe('a-long-enough-token');
    expect(() => resolveAuthToken(s, {})).toThrow(
      'server.authTokenEnv names SZ_TOKEN, but that environment variable is not set',
    );
    expect(() => resolveAuthToken(s, { SZ_TOKEN: 'short' })).toThrow(/too short/);
  });

  it('matches only "Bearer <token>"', () => {
    expect(tokenMatches('Bearer abc', 'abc')).toBe(true);
    expect(tokenMatches('bearer  abc ', 'abc')).toBe(true);
    expect(tokenMatches('Bearer abcd', 'abc')).toBe(false);
    expect(tokenMatches('abc', 'abc')).toBe(false);
    expect(tokenMatches(undefined, 'abc')).toBe(false);
  });
});
