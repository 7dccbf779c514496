/** IAM OpenID Connect provider operations (aws-apis.md §4.1). */
import { oidcProviderArn } from '../../../core/iam/arns.js';
import { pageOf } from '../../../core/iam/paging.js';
import type { IamTag } from '../../../core/iam/ports.js';
import { operation, type AnyOperation } from '../../../protocols/aws/operation.js';
import type { IamDeps } from '../deps.js';
import { paging } from '../shapes.js';

interface ByArn {
  OpenIDConnectProviderArn: string;
}

export function oidcProviderOperations(d: IamDeps): Record<string, AnyOperation> {
  const providers = d.services.providers;
  return {
    CreateOpenIDConnectProvider: operation({
      auth: 'sigv4',
      async handle(input: { Url: string; ClientIDList?: string[]; ThumbprintList?: string[]; Tags?: IamTag[] }, c) {
        await d.authorize(c, 'CreateOpenIDConnectProvider', oidcProviderArn(d.accountId, input.Url.replace(/^[A-Za-z]+:\/\//, '')));
        const p = await providers.create({
          url: input.Url,
          ...(input.ClientIDList ? { clientIds: input.ClientIDList } : {}),
          ...(input.ThumbprintList ? { thumbprints: input.ThumbprintList } : {}),
          ...(input.Tags ? { tags: input.Tags } : {}),
        });
        return { OpenIDConnectProviderArn: p.arn, Tags: p.tags.length > 0 ? p.tags : undefined };
      },
    }),
    GetOpenIDConnectProvider: operation({
      auth: 'sigv4',
      async handle(input: ByArn, c) {
        await d.authorize(c, 'GetOpenIDConnectProvider', input.OpenIDConnectProviderArn);
        const p = await providers.get(input.OpenIDConnectProviderArn);
        return { Url: p.url, ClientIDList: p.clientIds, ThumbprintList: p.thumbprints, CreateDate: new Date(p.createdAt), Tags: p.tags };
      },
    }),
    ListOpenIDConnectProviders: operation({
      auth: 'sigv4',
      async handle(_input: Record<string, never>, c) {
        await d.authorize(c, 'ListOpenIDConnectProviders', '*');
        return { OpenIDConnectProviderList: (await providers.list()).map((p) => ({ Arn: p.arn })) };
      },
    }),
    DeleteOpenIDConnectProvider: operation({
      auth: 'sigv4',
      async handle(input: ByArn, c) {
        await d.authorize(c, 'DeleteOpenIDConnectProvider', input.OpenIDConnectProviderArn);
        await providers.delete(input.OpenIDConnectProviderArn);
        return undefined;
      },
    }),
    UpdateOpenIDConnectProviderThumbprint: operation({
      auth: 'sigv4',
      async handle(input: ByArn & { ThumbprintList: string[] }, c) {
        await d.authorize(c, 'UpdateOpenIDConnectProviderThumbprint', input.OpenIDConnectProviderArn);
        await providers.updateThumbprints(input.OpenIDConnectProviderArn, input.ThumbprintList);
        return undefined;
      },
    }),
    AddClientIDToOpenIDConnectProvider: operation({
      auth: 'sigv4',
      async handle(input: ByArn & { ClientID: string }, c) {
        await d.authorize(c, 'AddClientIDToOpenIDConnectProvider', input.OpenIDConnectProviderArn);
        await providers.addClientId(input.OpenIDConnectProviderArn, input.ClientID);
        return undefined;
      },
    }),
    RemoveClientIDFromOpenIDConnectProvider: operation({
      auth: 'sigv4',
      async handle(input: ByArn & { ClientID: string }, c) {
        await d.authorize(c, 'RemoveClientIDFromOpenIDConnectProvider', input.OpenIDConnectProviderArn);
        await providers.removeClientId(input.OpenIDConnectProviderArn, input.ClientID);
        return undefined;
      },
    }),
    TagOpenIDConnectProvider: operation({
      auth: 'sigv4',
      async handle(input: ByArn & { Tags: IamTag[] }, c) {
        await d.authorize(c, 'TagOpenIDConnectProvider', input.OpenIDConnectProviderArn);
        await providers.tag(input.OpenIDConnectProviderArn, input.Tags);
        return undefined;
      },
    }),
    UntagOpenIDConnectProvider: operation({
      auth: 'sigv4',
      async handle(input: ByArn & { TagKeys: string[] }, c) {
        await d.authorize(c, 'UntagOpenIDConnectProvider', input.OpenIDConnectProviderArn);
        await providers.untag(input.OpenIDConnectProviderArn, input.TagKeys);
        return undefined;
      },
    }),
    ListOpenIDConnectProviderTags: operation({
      auth: 'sigv4',
      async handle(input: ByArn & { Marker?: string; MaxItems?: number }, c) {
        await d.authorize(c, 'ListOpenIDConnectProviderTags', input.OpenIDConnectProviderArn);
        const page = pageOf((await providers.get(input.OpenIDConnectProviderArn)).tags, input.Marker, input.MaxItems);
        return { Tags: page.items, ...paging(page) };
      },
    }),
  };
}
