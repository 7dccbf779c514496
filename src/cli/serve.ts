import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { createBaseContext } from '../app/context.js';
import { createLogger } from '../app/logger.js';
import type { RunningServer } from '../app/server.js';
import { loadServeConfig, serveHelp } from '../config/load.js';
import { serveOptions, type ServeConfig } from '../config/schema.js';
import { ensureLocalTls } from '../core/tls/local-ca.js';
import { join } from 'node:path';

const parseOptions = Object.fromEntries(Object.keys(serveOptions).map((k) => [k, { type: 'string' as const }]));

export function parseServeArgs(args: string[]): ServeConfig {
  const { values } = parseArgs({ args, options: parseOptions, allowPositionals: false, strict: true });
  return loadServeConfig(values as Record<string, string | undefined>);
}

export const serveUsage = `cognate serve [options]\n\n${serveHelp()}`;

/**
 * `cognate serve`: the primary prepares shared state once (migrations, keys, root
 * credentials, TLS files) and then either serves itself (--workers 1) or forks workers
 * that share the port (node:cluster) and the database (SQLite WAL or PostgreSQL).
 */
export async function serve(args: string[]): Promise<void> {
  const config = parseServeArgs(args);
  const logger = createLogger(config.logLevel);
  const workers = config.workers === 0 ? availableParallelism() : config.workers;

  if (cluster.isPrimary && workers > 1) {
    const base = await createBaseContext({ config, logger, onGeneratedRoot: announceRoot });
    await base.keyRing.keys('sts-session');
    await base.storage.close();
    if (config.tls === 'auto') await ensureLocalTls(join(config.data, 'tls'));
    let stopping = false;
    for (let i = 0; i < workers; i++) cluster.fork();
    cluster.on('exit', (worker, code) => {
      if (stopping) {
        if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
        return;
      }
      logger.error({ pid: worker.process.pid, code }, 'worker exited; starting another');
      cluster.fork();
    });
    const stop = () => {
      stopping = true;
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    return;
  }

  // Loaded here, not at the top: the other commands (thumbprint, sync-webhook-secret) need none
  // of the surfaces, and loading them costs time (and oidc-provider's warnings on Node 20).
  const { startServer } = await import('../app/server.js');
  let server: RunningServer;
  try {
    server = await startServer({ config, logger, onGeneratedRoot: announceRoot });
  } catch (e) {
    logger.fatal({ err: e instanceof Error ? e.message : String(e) }, 'cannot start');
    process.exit(1);
  }
  logger.info({ url: server.url, issuer: config.issuer, pid: process.pid }, 'cognate listening');
  let closing = false;
  const drain = async () => {
    if (closing) return;
    closing = true;
    logger.info('draining');
    await server.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void drain());
  process.on('SIGINT', () => void drain());
}

/** Printed once, on the first start, to the terminal — never to the log. */
function announceRoot(root: { accessKeyId: string; secretAccessKey: string }): void {
  process.stdout.write(
    `\nGenerated root AWS credentials (stored in the data directory, mode 0600; shown once):\n` +
      `  AWS_ACCESS_KEY_ID=${root.accessKeyId}\n  AWS_SECRET_ACCESS_KEY=${root.secretAccessKey}\n\n`,
  );
}
