import { describe, expect, it } from 'vitest';
import { TokenValidationError, type TokenValidationFacts, type TokenValidationReason } from './errors.js';
import { cognitoLoginError, stsWebIdentityError } from './messages.js';

const err = (reason: TokenValidationReason, facts: Partial<TokenValidationFacts> = {}): TokenValidationError =>
  new TokenValidationError(reason, 'detail', { now: 1_700_000_600, exp: 1_700_000_000, issuer: 'https://idp.example.com', ...facts });

describe('cognitoLoginError', () => {
  it.each<[TokenValidationReason, Partial<TokenValidationFacts>, string]>([
    ['malformed', {}, 'Invalid login token. Not a valid OpenId Connect identity token.'],
    ['malformed', { claim: 'sub' }, 'Invalid login token. Missing a required claim: sub'],
    ['issuerMismatch', {}, "Invalid login token. Issuer doesn't match providerName"],
    ['jwksUnavailable', { unreachable: true }, "Invalid login token. Couldn't verify signed token."],
    ['untrustedTransport', {}, "Invalid login token. Couldn't verify signed token."],
    ['unsupportedAlg', {}, "Invalid login token. Couldn't verify signed token."],
    ['unknownKid', {}, "Invalid login token. Couldn't verify signed token."],
    ['badSignature', {}, "Invalid login token. Couldn't verify signed token."],
    ['missingAud', {}, 'Invalid login token. Missing a required claim: aud'],
    ['audience', {}, 'Token is not from a supported provider of this identity pool.'],
    ['expired', {}, 'Invalid login token. Token expired: 1700000600 >= 1700000000'],
    ['notYetValid', {}, "Invalid login token. Couldn't verify signed token."],
  ])('%s %j → NotAuthorized %s', (reason, facts, text) => {
    const e = cognitoLoginError(err(reason, facts));
    expect(e).toMatchObject({ name: 'AppError', code: 'NotAuthorized', message: text });
    expect(e.cause).toBeInstanceOf(TokenValidationError);
  });
});

describe('stsWebIdentityError', () => {
  const noKey =
    "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements";
  it.each<[TokenValidationReason, Partial<TokenValidationFacts>, string, string | RegExp]>([
    ['malformed', {}, 'InvalidIdentityToken', /^The ID Token provided is not a valid JWT/],
    ['issuerMismatch', {}, 'InvalidIdentityToken', 'No OpenIDConnect provider found in your account for https://idp.example.com'],
    ['jwksUnavailable', {}, 'InvalidIdentityToken', noKey],
    ['jwksUnavailable', { unreachable: true }, 'IDPCommunicationError', /identity provider/],
    ['unknownKid', {}, 'InvalidIdentityToken', noKey],
    ['untrustedTransport', {}, 'InvalidIdentityToken', "OpenIDConnect provider's HTTPS certificate doesn't match configured thumbprint"],
    ['unsupportedAlg', {}, 'InvalidIdentityToken', /could not be verified/],
    ['badSignature', {}, 'InvalidIdentityToken', /could not be verified/],
    ['missingAud', {}, 'InvalidIdentityToken', 'Incorrect token audience'],
    ['audience', {}, 'InvalidIdentityToken', 'Incorrect token audience'],
    [
      'expired',
      {},
      'ExpiredWebIdentityToken',
      'Token expired: current date/time 1700000600 must be before the expiration date/time 1700000000',
    ],
    ['notYetValid', { nbf: 1_700_001_000 }, 'InvalidIdentityToken', /1700000600 is before 1700001000/],
  ])('%s %j → %s', (reason, facts, code, text) => {
    const e = stsWebIdentityError(err(reason, facts));
    expect(e.code).toBe(code);
    if (typeof text === 'string') expect(e.message).toBe(text);
    else expect(e.message).toMatch(text);
  });
});
