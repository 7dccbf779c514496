import type { ServeConfig } from '../config/schema.js';
import { systemClock, type Clock } from '../core/clock.js';
import type { RoleAssumer } from '../core/credentials/ports.js';
import { SessionIssuer } from '../core/credentials/sessions.js';
import type { Authorizer, OidcProviderLookup } from '../core/iam/ports.js';
import { SymmetricKeyRing } from '../core/keys/key-ring.js';
import { Sealer } from '../core/keys/sealer.js';
import { openStorage, type Storage } from '../storage/database.js';
import { KyselyKeyRepository } from '../storage/repositories/keys.js';
import type { Logger } from './logger.js';
import { loadMasterKey, loadRootCredentials, type RootCredentials } from './secrets.js';

/** Everything a surface needs, built once per process (the composition root). */
export interface AppContext {
  config: ServeConfig;
  /** The environment this server was started with (secrets, webhook targets); never logged. */
  env: NodeJS.ProcessEnv;
  clock: Clock;
  logger: Logger;
  storage: Storage;
  master: Sealer;
  keyRing: SymmetricKeyRing;
  sessions: SessionIssuer;
  root: RootCredentials;
  oidcProviders: OidcProviderLookup;
  authorizer: Authorizer;
  roleAssumer: RoleAssumer;
}

export type BaseContext = Omit<AppContext, 'oidcProviders' | 'authorizer' | 'roleAssumer'>;

export interface CreateContextOptions {
  config: ServeConfig;
  logger: Logger;
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  /** Announce generated root credentials (once, on first start). */
  onGeneratedRoot?: (root: RootCredentials) => void;
}

export async function createBaseContext(options: CreateContextOptions): Promise<BaseContext> {
  const env = options.env ?? process.env;
  const clock = options.clock ?? systemClock;
  const { config, logger } = options;
  const master = new Sealer(loadMasterKey(config.data, env));
  const root = loadRootCredentials(config.data, env);
  if (root.generated) options.onGeneratedRoot?.(root.value);
  const storage = await openStorage({ databaseUrl: config.databaseUrl, dataDir: config.data, sqliteSynchronous: config.sqliteSynchronous });
  const keyRing = new SymmetricKeyRing(new KyselyKeyRepository(storage), master, clock);
  const sessions = new SessionIssuer(keyRing, clock);
  return { config, env, clock, logger, storage, master, keyRing, sessions, root: root.value };
}
