import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadMasterKey } from '../app/secrets.js';
import { syncWebhookSecret } from '../app/sync-webhooks.js';
import { ConfigError, loadServeConfig } from '../config/load.js';
import { envName, serveOptions, type OptionSpec } from '../config/schema.js';
import { systemClock } from '../core/clock.js';
import { SymmetricKeyRing } from '../core/keys/key-ring.js';
import { Sealer } from '../core/keys/sealer.js';
import { openStorage } from '../storage/database.js';
import { KyselyKeyRepository } from '../storage/repositories/keys.js';

/** The `serve` settings that say where the data is: the same flags, env vars and defaults. */
const WHERE = ['data', 'database-url'] as const;

const optionHelp = WHERE.map((name) => {
  const spec: OptionSpec = serveOptions[name];
  const def = spec.default === undefined ? '' : ` (default: ${String(spec.default)})`;
  return `  --${name}\n      ${spec.doc}${def}\n      env: ${envName(name)}`;
}).join('\n');

export const syncWebhookSecretUsage =
  'cognate sync-webhook-secret [--data <dir>] [--database-url <url>] [--json]\n\n' +
  '  Prints the secret a Cognito Sync webhook receiver checks x-cognate-signature with\n' +
  '  (sha256=<hex HMAC-SHA256(secret, raw body)>), as one line "<kid> <secret hex>", or with --json\n' +
  '  as {"kid":"…","secret":"<hex>"}. Give it the data directory and database of cognate serve (same\n' +
  '  flags and COGNATE_* variables; the master key from COGNATE_MASTER_KEY or <data>/master.key).\n\n' +
  `${optionHelp}\n  --json\n      Print JSON instead of "<kid> <secret hex>".`;

/**
 * `cognate sync-webhook-secret`: opens the deployment's key ring as `serve` does and prints the
 * webhook signing key. It creates no master key, database or root credentials: a directory
 * `serve` never used (a mistyped --data) is refused rather than given a secret of its own.
 */
export async function printSyncWebhookSecret(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { data: { type: 'string' }, 'database-url': { type: 'string' }, json: { type: 'boolean' } },
    allowPositionals: false,
    strict: true,
  });
  const config = loadServeConfig({ data: values.data, 'database-url': values['database-url'] }, env);
  const missing = (what: string) => new ConfigError(`${what} (give the --data / --database-url of cognate serve, or start it once)`);
  const database = join(config.data, 'cognate.db');
  if (config.databaseUrl === undefined && !existsSync(database)) throw missing(`no database: ${database} does not exist`);
  const masterFile = join(config.data, 'master.key');
  if (!env['COGNATE_MASTER_KEY'] && !existsSync(masterFile)) throw missing(`no master key: COGNATE_MASTER_KEY is not set and ${masterFile} does not exist`);
  const master = new Sealer(loadMasterKey(config.data, env));
  const storage = await openStorage({ databaseUrl: config.databaseUrl, dataDir: config.data, sqliteSynchronous: config.sqliteSynchronous });
  try {
    // The key is generated on first use, by whichever process asks first (deterministic id: concurrent first uses converge).
    const { kid, secretHex } = await syncWebhookSecret({ keyRing: new SymmetricKeyRing(new KyselyKeyRepository(storage), master, systemClock) });
    process.stdout.write(values.json ? `${JSON.stringify({ kid, secret: secretHex })}\n` : `${kid} ${secretHex}\n`);
  } finally {
    await storage.close();
  }
}
