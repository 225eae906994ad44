// One moto server for the whole test run; tests read its URL with inject('motoEndpoint') and keep
// out of each other's way by using unique resource names.
import 'vitest';
import type { TestProject } from 'vitest/node';
import { startMoto, type MotoServer } from './moto.js';
import { startPostgresForTests, type ProvidedPostgres } from './postgres.js';

let moto: MotoServer | undefined;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // PostgreSQL first: if it cannot start, no moto is left running; if moto fails, the cluster's
  // watchdog (postgres.ts) removes it when this process ends.
  const postgres = await startPostgresForTests();
  project.provide('postgres', postgres.provided);
  moto = await startMoto();
  project.provide('motoEndpoint', moto.endpoint);
  return async () => {
    await moto?.stop();
    await postgres.stop();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    motoEndpoint: string;
    postgres: ProvidedPostgres;
  }
}
