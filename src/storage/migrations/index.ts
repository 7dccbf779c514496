import type { Migration } from 'kysely';
import * as m0001 from './0001_initial.js';

/** Versioned migrations, applied in name order at start (kysely's Migrator keeps the ledger). */
export const migrations: Record<string, Migration> = {
  '0001_initial': m0001,
};
