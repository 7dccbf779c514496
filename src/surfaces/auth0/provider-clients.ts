import type Provider from 'oidc-provider';
import type { ClientInstance } from 'oidc-provider';
import type { ApplicationWithSecret } from '../../core/oauth/applications.js';

const built = new WeakMap<Provider, WeakMap<ApplicationWithSecret, ClientInstance>>();

/**
 * oidc-provider's Client for an application just read: the applications repository hands back
 * the same object while the row is unchanged (decoded-rows.ts), so the Client built for it is
 * remembered against it, per provider. `Client.find` would read the row again and hash its
 * metadata on every token request; a changed row is a new object, and finds its Client afresh.
 */
export async function providerClientOf(provider: Provider, found: ApplicationWithSecret): Promise<ClientInstance | undefined> {
  let clients = built.get(provider);
  if (!clients) built.set(provider, (clients = new WeakMap()));
  const known = clients.get(found);
  if (known) return known;
  const client = await provider.Client.find(found.app.client_id);
  if (client) clients.set(found, client);
  return client;
}
