/**
 * Starts one private PostgreSQL for the console project's tests; each test
 * file makes its own database on it (test/support/store-fixtures.ts).
 */
import type { TestProject } from 'vitest/node';
import { startPostgres, type PostgresServer } from './postgres-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

let server: PostgresServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  server = await startPostgres();
  project.provide('postgresUrl', server.url);
}

export function teardown(): void {
  server?.stop();
}
