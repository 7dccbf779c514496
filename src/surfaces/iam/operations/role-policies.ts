/** A role's inline policies and its attached managed policies (aws-apis.md §4.2). */
import { operation, type AnyOperation } from '../../../protocols/aws/operation.js';
import type { IamDeps } from '../deps.js';
import { encodeDocument, paging } from '../shapes.js';

interface RolePolicyInput {
  RoleName: string;
  PolicyName: string;
}

interface AttachInput {
  RoleName: string;
  PolicyArn: string;
}

export function rolePolicyOperations(d: IamDeps): Record<string, AnyOperation> {
  const policies = d.services.rolePolicies;
  return {
    PutRolePolicy: operation({
      auth: 'sigv4',
      async handle(input: RolePolicyInput & { PolicyDocument: string }, c) {
        await d.authorize(c, 'PutRolePolicy', await d.roleResource(input.RoleName));
        await policies.put(input.RoleName, input.PolicyName, input.PolicyDocument);
        return undefined;
      },
    }),
    GetRolePolicy: operation({
      auth: 'sigv4',
      async handle(input: RolePolicyInput, c) {
        await d.authorize(c, 'GetRolePolicy', await d.roleResource(input.RoleName));
        const p = await policies.get(input.RoleName, input.PolicyName);
        return { RoleName: p.roleName, PolicyName: p.policyName, PolicyDocument: encodeDocument(p.document) };
      },
    }),
    ListRolePolicies: operation({
      auth: 'sigv4',
      async handle(input: { RoleName: string; Marker?: string; MaxItems?: number }, c) {
        await d.authorize(c, 'ListRolePolicies', await d.roleResource(input.RoleName));
        const page = await policies.list(input.RoleName, input.Marker, input.MaxItems);
        return { PolicyNames: page.items, ...paging(page) };
      },
    }),
    DeleteRolePolicy: operation({
      auth: 'sigv4',
      async handle(input: RolePolicyInput, c) {
        await d.authorize(c, 'DeleteRolePolicy', await d.roleResource(input.RoleName));
        await policies.delete(input.RoleName, input.PolicyName);
        return undefined;
      },
    }),
    AttachRolePolicy: operation({
      auth: 'sigv4',
      async handle(input: AttachInput, c) {
        await d.authorize(c, 'AttachRolePolicy', await d.roleResource(input.RoleName));
        await policies.attach(input.RoleName, input.PolicyArn);
        return undefined;
      },
    }),
    DetachRolePolicy: operation({
      auth: 'sigv4',
      async handle(input: AttachInput, c) {
        await d.authorize(c, 'DetachRolePolicy', await d.roleResource(input.RoleName));
        await policies.detach(input.RoleName, input.PolicyArn);
        return undefined;
      },
    }),
    ListAttachedRolePolicies: operation({
      auth: 'sigv4',
      async handle(input: { RoleName: string; PathPrefix?: string; Marker?: string; MaxItems?: number }, c) {
        await d.authorize(c, 'ListAttachedRolePolicies', await d.roleResource(input.RoleName));
        const page = await policies.listAttached(input.RoleName, {
          ...(input.PathPrefix !== undefined ? { pathPrefix: input.PathPrefix } : {}),
          ...(input.Marker !== undefined ? { marker: input.Marker } : {}),
          ...(input.MaxItems !== undefined ? { maxItems: input.MaxItems } : {}),
        });
        return { AttachedPolicies: page.items.map((a) => ({ PolicyName: a.policyName, PolicyArn: a.policyArn })), ...paging(page) };
      },
    }),
  };
}
