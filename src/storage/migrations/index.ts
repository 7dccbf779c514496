import type { Migration } from 'kysely';
import * as m0001 from './0001_initial.js';
import * as m0002 from './0002_iam.js';
import * as m0004 from './0004_cognito_sync.js';
import * as m0005 from './0005_auth0.js';
import * as m0006 from './0006_logs.js';
import * as m0007 from './0007_api_signing_secrets.js';
import * as m0008 from './0008_auth0_ip_attempts.js';

/** Versioned migrations, applied in name order at start (kysely's Migrator keeps the ledger). */
export const migrations: Record<string, Migration> = {
  '0001_initial': m0001,
  '0002_iam': m0002,
  '0004_cognito_sync': m0004,
  '0005_auth0': m0005,
  '0006_logs': m0006,
  '0007_api_signing_secrets': m0007,
  '0008_auth0_ip_attempts': m0008,
};
