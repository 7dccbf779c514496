/**
 * What a TLS server actually presents. Node's `getPeerCertificate(true)` links the presented
 * certificates by issuer and then keeps going through the local trust store until it reaches a
 * self-signed certificate, so with the default store the "last" certificate may be a root the
 * server never sent. Connecting with {@link isolatedTrustAnchor} as the only `ca` leaves nothing in
 * the store that could be appended, which makes the walk stop at the last presented certificate.
 */
import type { DetailedPeerCertificate, TLSSocket } from 'node:tls';
import { createRootCa } from './certificates.js';

let anchor: Promise<string> | undefined;

/**
 * A freshly generated, never-used self-signed certificate (PEM), memoized per process. Pass it as
 * the only `ca` of a connection whose presented chain must be seen unchanged (together with
 * `rejectUnauthorized: false`; such a connection is, by construction, never authorized).
 */
export function isolatedTrustAnchor(): Promise<string> {
  anchor ??= createRootCa({ commonName: 'Cognate isolated trust anchor (trusts nothing)', validityDays: 1 }).then(
    (ca) => ca.certPem,
  );
  return anchor;
}

/**
 * The peer's certificate chain, leaf first, following `issuerCertificate` until it repeats or ends.
 * Exactly the presented chain only when the socket was connected with {@link isolatedTrustAnchor}.
 * Empty when the peer sent no certificate.
 */
export function presentedChain(socket: TLSSocket): DetailedPeerCertificate[] {
  const chain: DetailedPeerCertificate[] = [];
  const seen = new Set<string>();
  let cert: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  while (cert?.raw !== undefined && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    chain.push(cert);
    // Node sets a self-signed certificate's issuerCertificate to itself, and leaves it undefined
    // when the issuer was not presented; the `seen` set covers both and any loop in between.
    cert = cert.issuerCertificate as DetailedPeerCertificate | undefined;
  }
  return chain;
}

/** The last certificate of {@link presentedChain}, or undefined when the peer sent none. */
export function lastPresentedCertificate(socket: TLSSocket): DetailedPeerCertificate | undefined {
  return presentedChain(socket).at(-1);
}
