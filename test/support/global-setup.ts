// One moto server for the whole test run; tests read its URL with inject('motoEndpoint') and keep
// out of each other's way by using unique resource names.
import 'vitest';
import type { TestProject } from 'vitest/node';
import { startMoto, type MotoServer } from './moto.js';
import { startPostgresForTests, type ProvidedPostgres } from './postgres.js';

let moto: MotoServer | undefined;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  moto = await startMoto();
  project.provide('motoEndpoint', moto.endpoint);
  const postgres = await startPostgresForTests();
  project.provide('postgres', postgres.provided);
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
