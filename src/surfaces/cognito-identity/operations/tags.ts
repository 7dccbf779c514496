import { notFound } from '../../../core/errors.js';
import { operation, type AnyOperation } from '../../../protocols/aws/operation.js';
import type { CognitoIdentityServices } from '../services.js';
import { authorize } from './authorize.js';

/** TagResource, UntagResource, ListTagsForResource on a pool ARN (≤ 50 tags, §8.2). */
export function tagOperations(s: CognitoIdentityServices): Record<string, AnyOperation> {
  const poolOf = (arn: string): string => {
    const id = s.pools.idFromArn(arn);
    if (id === undefined) throw notFound(`Resource ${arn} not found.`);
    return id;
  };
  return {
    TagResource: operation<{ ResourceArn: string; Tags: Record<string, string> }, Record<string, never>>({
      auth: 'sigv4',
      async handle(input, op) {
        const id = poolOf(input.ResourceArn);
        await authorize(s, op, 'TagResource', id);
        await s.pools.tag(id, input.Tags);
        return {};
      },
    }),
    UntagResource: operation<{ ResourceArn: string; TagKeys: string[] }, Record<string, never>>({
      auth: 'sigv4',
      async handle(input, op) {
        const id = poolOf(input.ResourceArn);
        await authorize(s, op, 'UntagResource', id);
        await s.pools.untag(id, input.TagKeys);
        return {};
      },
    }),
    ListTagsForResource: operation<{ ResourceArn: string }, { Tags: Record<string, string> }>({
      auth: 'sigv4',
      async handle(input, op) {
        const id = poolOf(input.ResourceArn);
        await authorize(s, op, 'ListTagsForResource', id);
        return { Tags: (await s.pools.get(id)).config.tags };
      },
    }),
  };
}
