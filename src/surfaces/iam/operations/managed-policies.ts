/** Customer managed policies and their versions (aws-apis.md §4.2). */
import { policyArn } from '../../../core/iam/arns.js';
import type { IamTag } from '../../../core/iam/ports.js';
import { operation, type AnyOperation } from '../../../protocols/aws/operation.js';
import type { IamDeps } from '../deps.js';
import { paging, policyShape, versionShape } from '../shapes.js';

interface ByArn {
  PolicyArn: string;
}

interface ListPoliciesInput {
  Scope?: string;
  OnlyAttached?: boolean;
  PathPrefix?: string;
  Marker?: string;
  MaxItems?: number;
}

export function managedPolicyOperations(d: IamDeps): Record<string, AnyOperation> {
  const policies = d.services.policies;
  return {
    CreatePolicy: operation({
      auth: 'sigv4',
      async handle(input: { PolicyName: string; Path?: string; PolicyDocument: string; Description?: string; Tags?: IamTag[] }, c) {
        await d.authorize(c, 'CreatePolicy', policyArn(d.accountId, input.Path ?? '/', input.PolicyName));
        const policy = await policies.create({
          policyName: input.PolicyName,
          document: input.PolicyDocument,
          ...(input.Path !== undefined ? { path: input.Path } : {}),
          ...(input.Description !== undefined ? { description: input.Description } : {}),
          ...(input.Tags !== undefined ? { tags: input.Tags } : {}),
        });
        return { Policy: policyShape({ policy, attachmentCount: 0 }) };
      },
    }),
    GetPolicy: operation({
      auth: 'sigv4',
      async handle(input: ByArn, c) {
        await d.authorize(c, 'GetPolicy', input.PolicyArn);
        return { Policy: policyShape(await policies.get(input.PolicyArn)) };
      },
    }),
    ListPolicies: operation({
      auth: 'sigv4',
      async handle(input: ListPoliciesInput, c) {
        await d.authorize(c, 'ListPolicies', '*');
        const page = await policies.list({
          ...(input.Scope !== undefined ? { scope: input.Scope } : {}),
          ...(input.OnlyAttached !== undefined ? { onlyAttached: input.OnlyAttached } : {}),
          ...(input.PathPrefix !== undefined ? { pathPrefix: input.PathPrefix } : {}),
          ...(input.Marker !== undefined ? { marker: input.Marker } : {}),
          ...(input.MaxItems !== undefined ? { maxItems: input.MaxItems } : {}),
        });
        return { Policies: page.items.map((p) => policyShape(p, false)), ...paging(page) };
      },
    }),
    DeletePolicy: operation({
      auth: 'sigv4',
      async handle(input: ByArn, c) {
        await d.authorize(c, 'DeletePolicy', input.PolicyArn);
        await policies.delete(input.PolicyArn);
        return undefined;
      },
    }),
    GetPolicyVersion: operation({
      auth: 'sigv4',
      async handle(input: ByArn & { VersionId: string }, c) {
        await d.authorize(c, 'GetPolicyVersion', input.PolicyArn);
        return { PolicyVersion: versionShape(await policies.getVersion(input.PolicyArn, input.VersionId)) };
      },
    }),
    CreatePolicyVersion: operation({
      auth: 'sigv4',
      async handle(input: ByArn & { PolicyDocument: string; SetAsDefault?: boolean }, c) {
        await d.authorize(c, 'CreatePolicyVersion', input.PolicyArn);
        const v = await policies.createVersion(input.PolicyArn, input.PolicyDocument, input.SetAsDefault === true);
        // CreatePolicyVersion's result carries no Document.
        const { Document: _doc, ...shape } = versionShape(v);
        return { PolicyVersion: shape };
      },
    }),
    ListPolicyVersions: operation({
      auth: 'sigv4',
      async handle(input: ByArn & { Marker?: string; MaxItems?: number }, c) {
        await d.authorize(c, 'ListPolicyVersions', input.PolicyArn);
        const page = await policies.listVersions(input.PolicyArn, input.Marker, input.MaxItems);
        return { Versions: page.items.map((v) => ({ ...versionShape(v), Document: undefined })), ...paging(page) };
      },
    }),
    SetDefaultPolicyVersion: operation({
      auth: 'sigv4',
      async handle(input: ByArn & { VersionId: string }, c) {
        await d.authorize(c, 'SetDefaultPolicyVersion', input.PolicyArn);
        await policies.setDefaultVersion(input.PolicyArn, input.VersionId);
        return undefined;
      },
    }),
    DeletePolicyVersion: operation({
      auth: 'sigv4',
      async handle(input: ByArn & { VersionId: string }, c) {
        await d.authorize(c, 'DeletePolicyVersion', input.PolicyArn);
        await policies.deleteVersion(input.PolicyArn, input.VersionId);
        return undefined;
      },
    }),
  };
}
