/**
 * Domain records → IAM response shapes (member names of the botocore model). Policy documents
 * go out URL-encoded (RFC 3986), as IAM does and as code written against IAM expects
 * (aws-apis.md §4.2, §9 item 14).
 */
import type { ManagedPolicyView } from '../../core/iam/policy-service.js';
import type { Page } from '../../core/iam/paging.js';
import type { PolicyVersionRecord, RoleRecord } from '../../core/iam/ports.js';

/**
 * Percent-encoding as `encodeURIComponent` does it (RFC 3986 unreserved characters and
 * `!'()*` kept). Clients read the documents with `decodeURIComponent`.
 */
export const encodeDocument = (doc: string): string => encodeURIComponent(doc);

export function roleShape(role: RoleRecord, detail: 'full' | 'list'): Record<string, unknown> {
  return {
    Path: role.path,
    RoleName: role.roleName,
    RoleId: role.roleId,
    Arn: role.arn,
    CreateDate: new Date(role.createdAt),
    AssumeRolePolicyDocument: encodeDocument(role.assumeRolePolicy),
    Description: role.description,
    MaxSessionDuration: role.maxSessionDuration,
    // ListRoles leaves out PermissionsBoundary, RoleLastUsed and Tags (aws-apis.md §4.2).
    ...(detail === 'full'
      ? {
          PermissionsBoundary: role.permissionsBoundary && { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: role.permissionsBoundary },
          Tags: role.tags.length > 0 ? role.tags : undefined,
          RoleLastUsed: {},
        }
      : {}),
  };
}

export function policyShape({ policy, attachmentCount }: ManagedPolicyView, withTags = true): Record<string, unknown> {
  return {
    PolicyName: policy.policyName,
    PolicyId: policy.policyId,
    Arn: policy.arn,
    Path: policy.path,
    DefaultVersionId: policy.defaultVersionId,
    AttachmentCount: attachmentCount,
    PermissionsBoundaryUsageCount: 0,
    IsAttachable: true,
    Description: policy.description,
    CreateDate: new Date(policy.createdAt),
    UpdateDate: new Date(policy.updatedAt),
    Tags: withTags && policy.tags.length > 0 ? policy.tags : undefined,
  };
}

export const versionShape = ({ version, isDefault }: { version: PolicyVersionRecord; isDefault: boolean }): Record<string, unknown> => ({
  Document: encodeDocument(version.document),
  VersionId: version.versionId,
  IsDefaultVersion: isDefault,
  CreateDate: new Date(version.createdAt),
});

/** `IsTruncated` and, when truncated, `Marker`. */
export const paging = (page: Page<unknown>): { IsTruncated: boolean; Marker?: string } =>
  page.marker === undefined ? { IsTruncated: false } : { IsTruncated: true, Marker: page.marker };
