import { randomBytes, randomUUID } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Upper-case base32 characters, as AWS uses in key and principal ids. */
export function base32Id(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += BASE32[bytes[i]! & 31];
  return out;
}

/** `ASIA` + 16: temporary (STS) access key id, 20 chars. */
export const temporaryAccessKeyId = (): string => `ASIA${base32Id(16)}`;
/** `AKIA` + 16: long-term access key id, 20 chars. */
export const longTermAccessKeyId = (): string => `AKIA${base32Id(16)}`;
/** `AROA` + 17: role id, 21 chars. */
export const roleId = (): string => `AROA${base32Id(17)}`;
/** `ANPA` + 17: managed policy id. */
export const policyId = (): string => `ANPA${base32Id(17)}`;

/** Cognito identity and pool ids: `<region>:<uuid>`. */
export const regionalUuid = (region: string): string => `${region}:${randomUUID()}`;

/** 40-char secret in AWS's alphabet (base64 without padding). */
export const secretAccessKey = (): string => randomBytes(30).toString('base64');

export const requestId = (): string => randomUUID();
