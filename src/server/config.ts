// The `server:` block of the config file (the lead adds it to configSchema):
//   server: { port: 8080, host: 127.0.0.1, authTokenEnv: SAGEZERO_TOKEN }
import { z } from 'zod';

export const DEFAULT_PORT = 8080;
export const DEFAULT_HOST = '127.0.0.1';

export const serverConfigSchema = z
  .strictObject({
    port: z
      .number()
      .int()
      .min(0)
      .max(65_535)
      .default(DEFAULT_PORT)
      .describe('TCP port of the HTTP API and dashboard (0: any free port).'),
    host: z
      .string()
      .min(1)
      .default(DEFAULT_HOST)
      .describe(
        'Address to bind. The default keeps the API on this machine; 0.0.0.0 exposes it (set authTokenEnv).',
      ),
    authTokenEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
        error: 'must be the name of an environment variable, like SAGEZERO_TOKEN',
      })
      .optional()
      .describe('Environment variable holding a bearer token; when set, every /api route requires it.'),
  })
  .default({ port: DEFAULT_PORT, host: DEFAULT_HOST })
  .describe('HTTP API and dashboard.');

export type ServerConfig = z.output<typeof serverConfigSchema>;

/** Reads the block from a config that may not have it yet (defaults apply). */
export function serverConfigOf(config: object): ServerConfig {
  const parsed = serverConfigSchema.safeParse((config as { server?: unknown }).server);
  return parsed.success ? parsed.data : { port: DEFAULT_PORT, host: DEFAULT_HOST };
}

/**
 * The bearer token named by server.authTokenEnv, or undefined when none is configured. A named but
 * empty variable is an error: starting without the protection the config asks for would be worse.
 */
export function resolveAuthToken(
  server: ServerConfig,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  if (!server.authTokenEnv) return undefined;
  const v = env[server.authTokenEnv];
  if (!v) {
    throw new Error(
      `server.authTokenEnv names ${server.authTokenEnv}, but that environment variable is not set or empty`,
    );
  }
  if (v.length < 16)
    throw new Error(`the token in ${server.authTokenEnv} is too short: use at least 16 characters`);
  return v;
}
