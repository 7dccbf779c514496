/**
 * A third-party OpenID Connect identity provider for tests: discovery and JWKS over node:http or
 * node:https on 127.0.0.1, its own RS256 and ES256 keys, and minting of good and hostile ID tokens.
 * It shares no code with Cognate's own issuer, so tests against it prove interoperability rather
 * than self-consistency.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';

/** Algorithms the test IdP signs with. */
export type TestIdpAlg = 'RS256' | 'ES256';

/** A signing key of the test IdP. */
export interface TestIdpKey {
  readonly kid: string;
  readonly alg: TestIdpAlg;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  /** As published in the JWKS. */
  readonly publicJwk: JWK;
}

/** Options of {@link startTestIdp}. */
export interface TestIdpOptions {
  /** Serve https with this key and chain (e.g. from `ensureLocalTls`); the issuer host is then `localhost`. */
  tls?: { keyPem: string; certChainPem: string };
  /** Issuer path, e.g. `/tenant-1`. */
  path?: string;
  /** Write the issuer with a trailing slash, as Auth0 does. */
  trailingSlash?: boolean;
  /** The `aud` of minted tokens. Default `test-client`. */
  clientId?: string;
  /** Cache-Control of the JWKS response; undefined sends none. Default `public, max-age=600`. */
  cacheControl?: string;
  /** Clock for `iat`/`exp` of minted tokens, ms. Default `Date.now`. */
  now?: () => number;
}

/** Per-call options of {@link TestIdp.mint}. */
export interface MintOptions {
  /** Which published key signs. Default the first RS256 key. */
  key?: TestIdpKey;
  /** Overrides the header's kid; `null` leaves kid out. */
  kid?: string | null;
  /** Extra protected header parameters. */
  header?: Record<string, unknown>;
}

/** Tokens an attacker, a confused client or a broken IdP might send. */
export type HostileToken =
  | 'expired'
  | 'notYetValid'
  | 'issuedInFuture'
  | 'wrongAudience'
  | 'wrongIssuer'
  | 'foreignKeySameKid'
  | 'algNone'
  | 'hs256WithPublicKeyPem'
  | 'hs256WithPublicKeyJwk'
  | 'unknownKid'
  | 'garbage'
  | 'missingAud'
  | 'azpMismatch'
  | 'missingExp'
  | 'missingSub';

/** Ways to make the IdP misbehave. */
export type TestIdpFault =
  | 'status500'
  | 'status404'
  | 'notJson'
  | 'noJwksUri'
  | 'tooManyKeys'
  | 'oversize'
  | 'hang'
  | 'plainHttpJwksUri';

/** A running test IdP. */
export interface TestIdp {
  /** `http://127.0.0.1:<port>[/path]` or `https://localhost:<port>[/path]` (plus `/` when `trailingSlash`). */
  readonly issuer: string;
  /** The issuer without scheme and trailing slash: the IAM OIDC provider Url. */
  readonly issuerKey: string;
  readonly port: number;
  readonly clientId: string;
  readonly discoveryUrl: string;
  readonly jwksUri: string;
  /** Published keys, oldest first. */
  readonly keys: readonly TestIdpKey[];
  /** Requests served so far, per endpoint. */
  readonly fetches: { discovery: number; jwks: number };
  /** Cache-Control of the JWKS response; may be changed while running. */
  cacheControl: string | undefined;
  /** Makes the endpoints misbehave from now on (undefined: behave). */
  fault: TestIdpFault | undefined;
  /** Default claims (iss, sub, aud, iat, exp) overridden by `claims`; a claim set to undefined is left out. */
  mint(claims?: JWTPayload, options?: MintOptions): Promise<string>;
  /** A token of the given hostile kind; `claims` as for {@link mint}. */
  hostile(kind: HostileToken, claims?: JWTPayload): Promise<string>;
  /** Publishes a new key (kid `rs-<n>` or `es-<n>`) and returns it; older keys stay published. */
  rotate(alg?: TestIdpAlg): Promise<TestIdpKey>;
  close(): Promise<void>;
}

const newKey = async (alg: TestIdpAlg, kid: string): Promise<TestIdpKey> => {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  return { kid, alg, privateKey, publicKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
};

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Starts a test IdP on 127.0.0.1 with a random port. */
export async function startTestIdp(options: TestIdpOptions = {}): Promise<TestIdp> {
  const now = options.now ?? Date.now;
  const clientId = options.clientId ?? 'test-client';
  const path = (options.path ?? '').replace(/\/$/, '');
  const keys: TestIdpKey[] = [await newKey('RS256', 'rs-1'), await newKey('ES256', 'es-1')];
  const counters = { RS256: 1, ES256: 1 };
  const fetches = { discovery: 0, jwks: 0 };
  let base = ''; // issuer without trailing slash, set once listening

  const state: Pick<TestIdp, 'cacheControl' | 'fault'> = {
    cacheControl: 'cacheControl' in options ? options.cacheControl : 'public, max-age=600',
    fault: undefined,
  };

  const send = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body);
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://idp');
    const isDiscovery = url.pathname === `${path}/.well-known/openid-configuration`;
    const isJwks = url.pathname === `${path}/jwks`;
    if (!isDiscovery && !isJwks) return send(res, 404, '{"error":"not_found"}');
    if (isDiscovery) fetches.discovery += 1;
    else fetches.jwks += 1;
    switch (state.fault) {
      case 'hang':
        return; // never answers
      case 'status500':
        return send(res, 500, '{"error":"server_error"}');
      case 'status404':
        return send(res, 404, '{"error":"not_found"}');
      case 'notJson':
        return send(res, 200, '<html>maintenance</html>');
      case 'oversize':
        return send(res, 200, JSON.stringify({ padding: 'x'.repeat(600 * 1024) }));
      default:
        break;
    }
    if (isDiscovery) {
      const jwksUri = state.fault === 'plainHttpJwksUri' ? `http://idp.example.com${path}/jwks` : `${base}/jwks`;
      const doc: Record<string, unknown> = {
        issuer: idp.issuer,
        authorization_endpoint: `${base}/authorize`,
        token_endpoint: `${base}/oauth/token`,
        response_types_supported: ['code', 'id_token'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256', 'ES256'],
      };
      if (state.fault !== 'noJwksUri') doc['jwks_uri'] = jwksUri;
      return send(res, 200, JSON.stringify(doc));
    }
    const published = keys.map((k) => k.publicJwk);
    const padded =
      state.fault === 'tooManyKeys'
        ? [...published, ...Array.from({ length: 101 }, (_, i) => ({ ...published[0], kid: `filler-${i}` }))]
        : published;
    const cc = state.cacheControl;
    const headers: Record<string, string> = cc === undefined ? {} : { 'cache-control': cc };
    send(res, 200, JSON.stringify({ keys: padded }), headers);
  };

  const server: Server = options.tls
    ? createHttpsServer({ key: options.tls.keyPem, cert: options.tls.certChainPem }, handle)
    : createHttpServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  base = `${options.tls ? 'https://localhost' : 'http://127.0.0.1'}:${port}${path}`;

  const firstOf = (alg: TestIdpAlg): TestIdpKey => {
    const key = keys.find((k) => k.alg === alg);
    if (key === undefined) throw new Error(`no ${alg} key`);
    return key;
  };

  const defaults = (): JWTPayload => {
    const iat = Math.floor(now() / 1000);
    return { iss: idp.issuer, sub: 'user-123', aud: clientId, iat, exp: iat + 600 };
  };
  const payloadOf = (claims: JWTPayload): JWTPayload =>
    Object.fromEntries(Object.entries({ ...defaults(), ...claims }).filter(([, v]) => v !== undefined));

  const mint: TestIdp['mint'] = async (claims = {}, mintOptions = {}) => {
    const key = mintOptions.key ?? firstOf('RS256');
    const kid = mintOptions.kid === null ? {} : { kid: mintOptions.kid ?? key.kid };
    return new SignJWT(payloadOf(claims))
      .setProtectedHeader({ typ: 'JWT', ...mintOptions.header, alg: key.alg, ...kid })
      .sign(key.privateKey);
  };

  const hs256 = async (secret: string, claims: JWTPayload): Promise<string> =>
    new SignJWT(payloadOf(claims))
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: firstOf('RS256').kid })
      .sign(new TextEncoder().encode(secret));

  const hostile: TestIdp['hostile'] = async (kind, claims = {}) => {
    const t = Math.floor(now() / 1000);
    switch (kind) {
      case 'expired':
        return mint({ iat: t - 3600, exp: t - 1200, ...claims });
      case 'notYetValid':
        return mint({ iat: t, nbf: t + 1200, exp: t + 2400, ...claims });
      case 'issuedInFuture':
        return mint({ iat: t + 1200, exp: t + 2400, ...claims });
      case 'wrongAudience':
        return mint({ aud: 'someone-else', ...claims });
      case 'wrongIssuer':
        return mint({ iss: 'https://attacker.example', ...claims });
      case 'foreignKeySameKid': {
        const foreign = await newKey('RS256', firstOf('RS256').kid);
        return mint(claims, { key: foreign });
      }
      case 'algNone':
        return `${b64({ alg: 'none', typ: 'JWT', kid: firstOf('RS256').kid })}.${b64(payloadOf(claims))}.`;
      case 'hs256WithPublicKeyPem':
        return hs256(await exportSPKI(firstOf('RS256').publicKey), claims);
      case 'hs256WithPublicKeyJwk':
        return hs256(JSON.stringify(firstOf('RS256').publicJwk), claims);
      case 'unknownKid':
        return mint(claims, { kid: 'no-such-kid' });
      case 'garbage':
        return 'this-is.not-a.jwt!';
      case 'missingAud':
        return mint({ aud: undefined, ...claims });
      case 'azpMismatch':
        return mint({ azp: 'another-client', ...claims });
      case 'missingExp':
        return mint({ exp: undefined, ...claims });
      case 'missingSub':
        return mint({ sub: undefined, ...claims });
    }
  };

  const idp: TestIdp = {
    issuer: options.trailingSlash ? `${base}/` : base,
    issuerKey: base.replace(/^https?:\/\//, ''),
    port,
    clientId,
    discoveryUrl: `${base}/.well-known/openid-configuration`,
    jwksUri: `${base}/jwks`,
    keys,
    fetches,
    get cacheControl() {
      return state.cacheControl;
    },
    set cacheControl(value) {
      state.cacheControl = value;
    },
    get fault() {
      return state.fault;
    },
    set fault(value) {
      state.fault = value;
    },
    mint,
    hostile,
    async rotate(alg = 'RS256') {
      counters[alg] += 1;
      const key = await newKey(alg, `${alg === 'RS256' ? 'rs' : 'es'}-${counters[alg]}`);
      keys.push(key);
      return key;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
  return idp;
}
