// The container contract, checked from the files (no Docker engine on the CI machine): the image runs
// as a non-root user with a HEALTHCHECK; the store, the only thing sagezero writes, resolves inside
// the image's volume for the example config; and the compose file runs it read-only with that
// volume as the sole writable mount.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { ROOT } from '../support/cli.js';

const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
/** Instructions of the final stage (after the last FROM). */
const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
const instr = (name: string): string[] =>
  finalStage
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .filter((l) => l.startsWith(`${name} `))
    .map((l) => l.slice(name.length + 1).trim());

describe('container image', () => {
  it('runs as a non-root user and has a HEALTHCHECK on /healthz', () => {
    const users = instr('USER');
    expect(users.at(-1)).toBeDefined();
    expect(['root', '0']).not.toContain(users.at(-1));
    expect(instr('HEALTHCHECK').join(' ')).toContain('/healthz');
  });

  it('puts the example config’s store inside the image volume', () => {
    const volume = (JSON.parse(instr('VOLUME')[0] ?? '[]') as string[])[0] ?? '';
    const env = Object.fromEntries(instr('ENV').map((e) => e.split('=', 2) as [string, string]));
    expect(env.SAGEZERO_STORE).toBeDefined();
    // The path the image's CMD gives, with the image's environment.
    const config = loadConfig(path.join(ROOT, 'config/example-aws.yaml'), {
      SAGEZERO_STORE: env.SAGEZERO_STORE,
    });
    expect(path.dirname(config.storePath)).toBe(volume);
    // Without the variable (a checkout), it stays where it was.
    expect(loadConfig(path.join(ROOT, 'config/example-aws.yaml'), {}).storePath).toBe(
      path.join(ROOT, 'var/sagezero.db'),
    );
  });

  it('compose runs it read-only, non-root, with the store volume as its only writable mount', () => {
    const compose = parse(readFileSync(path.join(ROOT, 'deploy/docker-compose.yml'), 'utf8')) as {
      services: { sagezero: { read_only: boolean; user: string; volumes: string[]; cap_drop: string[] } };
    };
    const svc = compose.services.sagezero;
    expect(svc.read_only).toBe(true);
    expect(svc.user).not.toBe('root');
    expect(svc.cap_drop).toContain('ALL');
    const writable = svc.volumes.filter((v) => !v.endsWith(':ro'));
    const volume = (JSON.parse(instr('VOLUME')[0] ?? '[]') as string[])[0];
    expect(writable.map((v) => v.split(':')[1])).toEqual([volume]);
    const config = svc.volumes.find((v) => v.endsWith(':ro'))?.split(':')[1];
    expect(instr('CMD').join(' ')).toContain(config);
  });
});

describe('two replicas on PostgreSQL (deploy/docker-compose.ha.yml)', () => {
  interface Service {
    read_only?: boolean;
    user?: string;
    volumes?: string[];
    environment?: Record<string, string>;
    ports?: string[];
    secrets?: string[];
    depends_on?: Record<string, { condition: string }>;
  }
  const compose = parse(readFileSync(path.join(ROOT, 'deploy/docker-compose.ha.yml'), 'utf8'), {
    merge: true,
  }) as { services: Record<string, Service> };
  const replicas = Object.entries(compose.services).filter(([name]) => name.startsWith('sagezero'));

  it('runs two read-only replicas on one PostgreSQL URL, the password only in a secret file', () => {
    expect(replicas).toHaveLength(2);
    const urls = new Set(replicas.map(([, s]) => s.environment?.SAGEZERO_STORE));
    expect(urls.size).toBe(1);
    const url = [...urls][0] ?? '';
    // The example config the replicas mount resolves its store to that URL, which carries no password.
    const config = loadConfig(path.join(ROOT, 'config/example-aws.yaml'), { SAGEZERO_STORE: url });
    expect(config.storePath).toBe(url);
    expect(new URL(url).password).toBe('');
    for (const [, s] of replicas) {
      expect(s.read_only).toBe(true);
      expect(s.user).not.toBe('root');
      // Nothing writable: the store is the database.
      expect((s.volumes ?? []).every((v) => v.endsWith(':ro'))).toBe(true);
      expect(s.environment?.SAGEZERO_STORE_PASSWORD_FILE).toBe('/run/secrets/pg_password');
      expect(s.secrets).toContain('pg_password');
      expect(s.depends_on?.postgres?.condition).toBe('service_healthy');
    }
    // Each replica's dashboard on its own host port.
    const ports = replicas.map(([, s]) => s.ports?.[0]?.split(':').slice(0, 2).join(':'));
    expect(new Set(ports).size).toBe(2);
  });
});
