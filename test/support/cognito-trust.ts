/**
 * The role trust policy of aws-apis.md §3.5: identities of one Cognito identity pool may assume the
 * role through sts:AssumeRoleWithWebIdentity, authenticated ones or guests.
 */
export function cognitoTrustPolicy(poolId: string, amr: 'authenticated' | 'unauthenticated') {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: 'cognito-identity.amazonaws.com' },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: { 'cognito-identity.amazonaws.com:aud': poolId },
          'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': amr },
        },
      },
    ],
  };
}
