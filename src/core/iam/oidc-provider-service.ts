/**
 * The IAM OpenID Connect provider registry (aws-apis.md §4.1, §8.4): at most 100 providers per
 * account, 100 client ids and 5 thumbprints (40 hex characters, stored lower-case) per provider,
 * 50 tags. Lists are de-duplicated, order kept.
 */
import type { Clock } from '../clock.js';
import { AppError } from '../errors.js';
import { normalizeThumbprint } from '../tls/thumbprint.js';
import { oidcProviderArn } from './arns.js';
import { IamMessages } from './messages.js';
import { parseProviderUrl, type ProviderUrl } from './oidc-url.js';
import type { IamRepository, IamStore, IamTag, OidcProviderLookup, OidcProviderRecord } from './ports.js';
import { checkTags, mergeTags, removeTags } from './tags.js';

export const MAX_PROVIDERS = 100;
export const MAX_CLIENT_IDS = 100;
export const MAX_THUMBPRINTS = 5;

export interface OidcProviderServiceOptions {
  accountId: string;
  clock: Clock;
  /**
   * When CreateOpenIDConnectProvider omits ThumbprintList, IAM records the thumbprint of the
   * IdP's TLS server itself ([M] ThumbprintList docs); this fetches it. Absent: none is recorded.
   */
  fetchThumbprint?: (url: string) => Promise<string>;
}

export interface CreateProviderInput {
  url: string;
  clientIds?: string[];
  thumbprints?: string[];
  tags?: IamTag[];
}

const unique = (xs: readonly string[]): string[] => [...new Set(xs)];

function checkThumbprints(list: readonly string[]): string[] {
  if (list.length > MAX_THUMBPRINTS) throw new AppError('InvalidParameter', IamMessages.thumbprintCount);
  for (const t of list) if (!/^[0-9A-Fa-f]{40}$/.test(t)) throw new AppError('InvalidParameter', IamMessages.thumbprintHex);
  return unique(list.map(normalizeThumbprint));
}

function checkClientIds(list: readonly string[]): string[] {
  const ids = unique(list);
  if (ids.length > MAX_CLIENT_IDS) throw new AppError('LimitExceeded', IamMessages.quota('ClientIdsPerOpenIdConnectProvider', MAX_CLIENT_IDS));
  return ids;
}

export class OidcProviderService implements OidcProviderLookup {
  constructor(
    private readonly repo: IamRepository,
    private readonly options: OidcProviderServiceOptions,
  ) {}

  byArn(arn: string): Promise<OidcProviderRecord | undefined> {
    return this.repo.providerByArn(arn);
  }

  byUrl(url: string): Promise<OidcProviderRecord | undefined> {
    return this.repo.providerByUrl(url);
  }

  async create(input: CreateProviderInput): Promise<OidcProviderRecord> {
    const url = parseProviderUrl(input.url);
    const given = input.thumbprints === undefined ? undefined : checkThumbprints(input.thumbprints);
    const clientIds = checkClientIds(input.clientIds ?? []);
    const tags = checkTags(input.tags ?? []);
    const exists = () => new AppError('AlreadyExists', IamMessages.providerExists(input.url));
    // Before any network I/O: a duplicate is reported as such, not as an unreachable IdP.
    if (await this.repo.providerByUrl(url.key)) throw exists();
    const thumbprints = given ?? (await this.discoverThumbprint(url, input.url));
    const record: OidcProviderRecord = {
      arn: oidcProviderArn(this.options.accountId, url.key),
      url: url.key,
      clientIds,
      thumbprints,
      tags,
      createdAt: this.options.clock.now(),
    };
    await this.repo.transaction(async (tx) => {
      await tx.lock('iam:oidc-providers');
      if (await tx.providerByUrl(url.key)) throw exists();
      if ((await tx.listProviders()).length >= MAX_PROVIDERS) {
        throw new AppError('LimitExceeded', IamMessages.quota('OpenIdConnectProvidersPerAccount', MAX_PROVIDERS));
      }
      if (!(await tx.insertProvider(record))) throw exists();
    });
    return record;
  }

  async get(arn: string): Promise<OidcProviderRecord> {
    const p = await this.repo.providerByArn(arn);
    if (!p) throw new AppError('NotFound', IamMessages.providerNotFound(arn));
    return p;
  }

  list(): Promise<OidcProviderRecord[]> {
    return this.repo.listProviders();
  }

  /** Idempotent: "it does not fail or return an error if you call the operation for a provider that does not exist" [M]. */
  async delete(arn: string): Promise<void> {
    await this.repo.deleteProvider(arn);
  }

  /** Replaces the whole list (no merge) [M]. */
  updateThumbprints(arn: string, thumbprints: string[]): Promise<OidcProviderRecord> {
    const list = checkThumbprints(thumbprints);
    return this.modify(arn, (p) => ({ ...p, thumbprints: list }));
  }

  /** Idempotent when the id is already present [M]. */
  addClientId(arn: string, clientId: string): Promise<OidcProviderRecord> {
    return this.modify(arn, (p) => ({ ...p, clientIds: checkClientIds([...p.clientIds, clientId]) }));
  }

  /** Idempotent when the id is absent [M]. */
  removeClientId(arn: string, clientId: string): Promise<OidcProviderRecord> {
    return this.modify(arn, (p) => ({ ...p, clientIds: p.clientIds.filter((c) => c !== clientId) }));
  }

  tag(arn: string, tags: IamTag[]): Promise<OidcProviderRecord> {
    return this.modify(arn, (p) => ({ ...p, tags: mergeTags(p.tags, tags) }));
  }

  untag(arn: string, keys: string[]): Promise<OidcProviderRecord> {
    return this.modify(arn, (p) => ({ ...p, tags: removeTags(p.tags, keys) }));
  }

  /** Read-modify-write under the provider's lock, so concurrent edits do not lose each other. */
  private modify(arn: string, change: (p: OidcProviderRecord) => OidcProviderRecord): Promise<OidcProviderRecord> {
    return this.repo.transaction(async (tx: IamStore) => {
      await tx.lock(`iam:oidc-provider:${arn}`);
      const current = await tx.providerByArn(arn);
      if (!current) throw new AppError('NotFound', IamMessages.providerNotFound(arn));
      const next = change(current);
      await tx.updateProvider(next);
      return next;
    });
  }

  private async discoverThumbprint(url: ProviderUrl, given: string): Promise<string[]> {
    const fetch = this.options.fetchThumbprint;
    if (url.scheme === 'http' || !fetch) return [];
    try {
      return [normalizeThumbprint(await fetch(`https://${url.key}`))];
    } catch (e) {
      throw new AppError('IDPCommunicationError', IamMessages.thumbprintFetch(given), { cause: e, wireName: 'OpenIdIdpCommunicationError' });
    }
  }
}
