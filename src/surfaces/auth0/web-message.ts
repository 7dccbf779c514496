import { createHash } from 'node:crypto';
import type { KoaContext } from 'oidc-provider';
import { loginCsp } from '../../login/html.js';
import { messagePage } from '../../login/pages.js';

/** Characters that could end or confuse an inline script, as \uXXXX escapes (valid JSON and JS). */
const SCRIPT_UNSAFE = /[<>&\u2028\u2029]/g;
const escapeForScript = (json: string): string => json.replace(SCRIPT_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

const originOf = (url: string): string | undefined => {
  try {
    const o = new URL(url).origin;
    return o === 'null' ? undefined : o;
  } catch {
    return undefined;
  }
};

const norm = (origin: string): string => origin.replace(/\/+$/, '').toLowerCase();

/**
 * `response_mode=web_message` the way Auth0 answers it (auth0-api.md §1.2, §10 item 10): a page
 * on the issuer origin whose only script posts `{type: "authorization_response", response}` to
 * `window.opener || window.parent`, with the redirect_uri's origin as target origin. The origin
 * must be one of the client's Allowed Web Origins; otherwise a 400 page that posts nothing (the
 * SDK sees a timeout). Strict CSP: the script is allowed by its hash, framing only by that origin.
 * Registered with provider.registerResponseMode (oidc-provider's own variant posts to the full
 * redirect_uri, frames for anyone and is advertised in discovery, which Auth0 does not do, §10.30).
 */
export function webMessageResponse(ctx: KoaContext, redirectUri: string, response: Record<string, unknown>): void {
  const origin = originOf(redirectUri);
  const allowed = ctx.oidc.client?.['web_origins'];
  const registered = origin !== undefined && Array.isArray(allowed) && allowed.some((o) => typeof o === 'string' && norm(o) === norm(origin));
  ctx.remove('x-frame-options');
  ctx.set('cache-control', 'no-store');
  ctx.set('referrer-policy', 'no-referrer');
  ctx.type = 'html';
  if (!registered || !origin) {
    ctx.status = 400;
    ctx.set('content-security-policy', loginCsp());
    ctx.body = messagePage('Something went wrong', 'The request could not be completed.', {
      role: 'alert',
      detail: `invalid_request: The specified redirect_uri '${redirectUri}' does not have a registered origin.`,
    });
    return;
  }
  const message = escapeForScript(JSON.stringify({ type: 'authorization_response', response }));
  const script = `(function(w){var t=w.opener||w.parent;t.postMessage(${message},${escapeForScript(JSON.stringify(origin))});})(window);`;
  const hash = createHash('sha256').update(script, 'utf8').digest('base64');
  ctx.status = 'error' in response ? 400 : 200;
  ctx.set('content-security-policy', `default-src 'none'; script-src 'sha256-${hash}'; frame-ancestors ${origin}; base-uri 'none'; form-action 'none'`);
  ctx.body = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Authorization Response</title></head>
<body><script>${script}</script></body>
</html>
`;
}
