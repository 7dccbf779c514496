/**
 * IAM OIDC provider thumbprints: the hex SHA-1 of the DER of the last certificate in the chain the
 * IdP's server presents (usually the top intermediate CA), as `openssl s_client -showcerts` lists it.
 *
 * Case: Cognate prints thumbprints in lower case. AWS accepts and compares either case, and so does
 * Cognate ({@link normalizeThumbprint} before comparing).
 */
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { connect } from 'node:tls';
import { isolatedTrustAnchor, lastPresentedCertificate } from './presented-chain.js';

/** Options of {@link thumbprintOf}. */
export interface ThumbprintOptions {
  /** Overall time limit for connect and handshake, ms. Default 5000. */
  timeoutMs?: number;
}

/** SHA-1 of a DER certificate as 40 lower-case hex characters. */
export const sha1Thumbprint = (der: Uint8Array): string => createHash('sha1').update(der).digest('hex');

/** Canonical form of a configured thumbprint: lower case, without `:` or whitespace separators. */
export const normalizeThumbprint = (thumbprint: string): string => thumbprint.replace(/[:\s]/g, '').toLowerCase();

/** Connection target of a URL (`https://` assumed when no scheme is given; port 443 by default). */
export function tlsTarget(url: string): { host: string; port: number; servername: string | undefined } {
  const parsed = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `https://${url}`);
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = parsed.port === '' ? 443 : Number(parsed.port);
  // RFC 6066 §3: literal IP addresses are not permitted in SNI.
  return { host, port, servername: isIP(host) === 0 ? host : undefined };
}

/**
 * Connects to the URL's host and port and returns the SHA-1 thumbprint (lower-case hex, no colons)
 * of the last certificate the server presents. No trust decision is made: this only reports.
 */
export async function thumbprintOf(url: string, options: ThumbprintOptions = {}): Promise<string> {
  const target = tlsTarget(url);
  const ca = await isolatedTrustAnchor();
  return new Promise<string>((resolvePromise, reject) => {
    const socket = connect({
      host: target.host,
      port: target.port,
      ...(target.servername === undefined ? {} : { servername: target.servername }),
      ca: [ca],
      rejectUnauthorized: false,
    });
    const timer = setTimeout(
      () => socket.destroy(new Error(`TLS handshake with ${target.host}:${target.port} timed out`)),
      options.timeoutMs ?? 5000,
    );
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const last = lastPresentedCertificate(socket);
      socket.end();
      if (last === undefined) reject(new Error(`${target.host}:${target.port} presented no certificate`));
      else resolvePromise(sha1Thumbprint(last.raw));
    });
    socket.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}
