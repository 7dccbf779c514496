import type { GrantInstance, KoaContext } from 'oidc-provider';

interface GrantContext {
  result?: { consent?: { grantId?: string } };
  session: { accountId: string; grantIdFor(clientId: string): string | undefined };
  client: { clientId: string; [k: string]: unknown };
  requestParamOIDCScopes: Set<string>;
  requestParamScopes: Set<string>;
  requestParamClaims: Set<string>;
  resourceServers: Record<string, { scope?: string }>;
  provider: { Grant: { new (p: { clientId: string; accountId: string }): GrantInstance; find(id: string): Promise<GrantInstance | undefined> } };
}

/**
 * oidc-provider's loadExistingGrant: first-party applications never see a consent prompt
 * (Auth0 skips consent for first-party apps; its localhost exception, §10.28, is not copied:
 * every local development setup would hit it). Everything requested is added to the grant.
 */
export async function loadExistingGrant(ctx: KoaContext): Promise<GrantInstance | undefined> {
  const oidc = ctx.oidc as unknown as GrantContext;
  const grantId = oidc.result?.consent?.grantId ?? oidc.session.grantIdFor(oidc.client.clientId);
  const existing = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
  if (oidc.client['is_first_party'] === false) return existing;
  const grant = existing ?? new oidc.provider.Grant({ clientId: oidc.client.clientId, accountId: oidc.session.accountId });
  grant.addOIDCScope([...oidc.requestParamOIDCScopes].join(' '));
  if (oidc.requestParamClaims.size) grant.addOIDCClaims([...oidc.requestParamClaims]);
  for (const [identifier, server] of Object.entries(oidc.resourceServers ?? {})) {
    const allowed = new Set((server.scope ?? '').split(' '));
    const scope = [...oidc.requestParamScopes].filter((x) => allowed.has(x)).join(' ');
    grant.addResourceScope(identifier, scope);
  }
  await grant.save();
  return grant;
}
