import { WebhookDeliverer } from '../core/sync/webhooks/deliverer.js';
import { loadWebhookTargets, type WebhookTargets } from '../core/sync/webhooks/config.js';
import { WEBHOOK_KEY_PURPOSE } from '../core/sync/webhooks/signature.js';
import { KyselyOutboxQueue } from '../storage/repositories/cognito-sync-pools.js';
import type { AppContext } from './context.js';

export interface SyncWebhooks {
  /** From COGNATE_SYNC_WEBHOOKS (see core/sync/webhooks/config.ts for the format). */
  webhookTargets: WebhookTargets;
  /** Wakes the deliverer once a change with deliveries committed. */
  onEnqueued: () => void;
  deliverer: WebhookDeliverer;
}

/**
 * Cognito Events / Streams / push sync delivery for one process: the operator's webhook map and
 * the outbox deliverer (started after listen, stopped on close before storage closes).
 */
export function createSyncWebhooks(context: AppContext, env: NodeJS.ProcessEnv): SyncWebhooks {
  const webhookTargets = loadWebhookTargets(env);
  const deliverer = new WebhookDeliverer({
    queue: new KyselyOutboxQueue(context.storage),
    targets: webhookTargets,
    secret: async () => {
      const [current] = await context.keyRing.keys(WEBHOOK_KEY_PURPOSE);
      if (!current) throw new Error('no webhook key');
      return current;
    },
    clock: context.clock,
    log: context.logger,
  });
  return { webhookTargets, onEnqueued: () => deliverer.wake(), deliverer };
}

/** The secret a webhook receiver verifies `x-cognate-signature` with (hex of the key ring key). */
export async function syncWebhookSecret(context: Pick<AppContext, 'keyRing'>): Promise<{ kid: string; secretHex: string }> {
  const [current] = await context.keyRing.keys(WEBHOOK_KEY_PURPOSE);
  if (!current) throw new Error('no webhook key');
  return { kid: current.kid, secretHex: current.key.toString('hex') };
}
