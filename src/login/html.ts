/** HTML escaping for text and attribute contexts (every interpolation in the login pages goes through it). */
export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A tagged template whose interpolations are escaped unless wrapped in `raw()`. */
export class Raw {
  constructor(readonly html: string) {}
}
export const raw = (html: string): Raw => new Raw(html);

export function html(strings: TemplateStringsArray, ...values: unknown[]): Raw {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    const part = v instanceof Raw ? v.html : Array.isArray(v) ? v.map((x) => (x instanceof Raw ? x.html : escapeHtml(x))).join('') : escapeHtml(v);
    out += part + (strings[i + 1] ?? '');
  });
  return raw(out);
}

/** Path of the stylesheet (served from 'self'; no inline styles or scripts, §6.1 / strict CSP). */
export const STYLESHEET_PATH = '/u/assets/login.css';

/**
 * The page's Content-Security-Policy: nothing but our stylesheet and same-origin form posts.
 * form-action also names the app's redirect origin: after a successful post the browser is
 * redirected on to the app's callback, and CSP3 checks form-action along that redirect chain.
 */
export function loginCsp(redirectOrigin?: string): string {
  const target = redirectOrigin && /^https?:\/\/[^\s;,']+$/.test(redirectOrigin) ? ` ${redirectOrigin}` : '';
  return `default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'${target}; frame-ancestors 'none'; base-uri 'none'`;
}

export function layout(title: string, body: Raw): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${STYLESHEET_PATH}">
</head>
<body>
<main class="card">
${body.html}
</main>
</body>
</html>
`;
}
