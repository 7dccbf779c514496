/**
 * CreateOpenIDConnectProvider's Url (aws-apis.md §4.1): `https://host[/path]`, stored and
 * returned without the scheme, never normalised (case and a trailing slash are significant).
 *
 * Unlike AWS, Cognate accepts a port (self-hosted IdPs rarely sit on 443) and accepts
 * `http://` for loopback hosts only (localhost, 127.0.0.0/8, [::1]) so that a development
 * IdP needs no certificate. Query strings, fragments and user info are refused, as AWS does.
 */
import { isIP } from 'node:net';
import { AppError } from '../errors.js';
import { isLoopbackHost } from '../oidc-providers/issuer.js';
import { IamMessages } from './messages.js';

export interface ProviderUrl {
  /** host[:port][/path] — the Url as GetOpenIDConnectProvider returns it, the ARN suffix, the condition-key prefix. */
  key: string;
  scheme: 'https' | 'http';
  /** host without brackets */
  host: string;
}

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

export function parseProviderUrl(raw: string): ProviderUrl {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/s.exec(raw);
  // Observed: a URL without a scheme or host is a ValidationError, other problems InvalidInput.
  if (!m) throw new AppError('ValidationError', IamMessages.invalidProviderUrl);
  const scheme = m[1]!;
  const rest = m[2]!;
  const slash = rest.indexOf('/');
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  if (authority === '') throw new AppError('ValidationError', IamMessages.invalidProviderUrl);
  const invalid = () => new AppError('InvalidParameter', IamMessages.invalidProviderUrlDot);
  if (/[?#@\s\\]/.test(rest)) throw invalid();
  const hp = /^(\[[0-9A-Fa-f:.]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(authority);
  if (!hp) throw invalid();
  const host = hp[1]!.startsWith('[') ? hp[1]!.slice(1, -1) : hp[1]!;
  if (hp[1]!.startsWith('[') ? isIP(host) !== 6 : isIP(host) === 0 && !HOSTNAME.test(host)) throw invalid();
  if (hp[2] !== undefined && (Number(hp[2]) < 1 || Number(hp[2]) > 65535)) throw invalid();
  if (scheme !== 'https' && !(scheme === 'http' && isLoopbackHost(host))) {
    throw new AppError('InvalidParameter', IamMessages.providerUrlScheme);
  }
  return { key: rest, scheme: scheme === 'http' ? 'http' : 'https', host };
}
