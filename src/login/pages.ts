import { html, layout, raw, type Raw } from './html.js';

/** What every interactive page needs: where to post, the CSRF token, the app's name. */
export interface FormContext {
  action: string;
  csrf: string;
  clientName: string;
  /** Links to the sibling prompts of the same transaction. */
  links: { login: string; signup?: string | undefined; forgot?: string | undefined };
}

const errorBox = (message?: string): Raw => (message ? html`<p class="error" role="alert" id="form-error">${message}</p>` : raw(''));
const describedBy = (message?: string): Raw => (message ? raw(' aria-describedby="form-error" aria-invalid="true"') : raw(''));
const hidden = (csrf: string): Raw => html`<input type="hidden" name="_csrf" value="${csrf}">`;

/** Universal Login "login" prompt (§6.1): inputs `username` and `password`, works without JavaScript. */
export function loginPage(f: FormContext, opts: { error?: string | undefined; username?: string | undefined } = {}): string {
  const links = [
    f.links.forgot ? html`<a href="${f.links.forgot}">Forgot password?</a>` : raw(''),
    f.links.signup ? html` · <a href="${f.links.signup}">Sign up</a>` : raw(''),
  ];
  return layout(
    'Log in',
    html`<h1>Welcome</h1>
<p class="lead">Log in to continue to ${f.clientName}.</p>
${errorBox(opts.error)}<form method="post" action="${f.action}" novalidate>
${hidden(f.csrf)}
<label for="username">Email address</label>
<input id="username" name="username" type="text" inputmode="email" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus value="${opts.username ?? ''}"${describedBy(opts.error)}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${describedBy(opts.error)}>
<button type="submit">Continue</button>
</form>
<p class="links">${links}</p>`,
  );
}

/** "signup" prompt: `email` + `password` (new-password), with the policy rules when one failed. */
export function signupPage(f: FormContext, opts: { error?: string | undefined; email?: string | undefined; policy?: string[] | undefined } = {}): string {
  const rules = opts.policy?.length ? html`<ul class="rules">${opts.policy.map((r) => html`<li>${r}</li>`)}</ul>` : raw('');
  return layout(
    'Sign up',
    html`<h1>Create your account</h1>
<p class="lead">Sign up to continue to ${f.clientName}.</p>
${errorBox(opts.error)}${rules}<form method="post" action="${f.action}" novalidate>
${hidden(f.csrf)}
<label for="email">Email address</label>
<input id="email" name="email" type="email" autocomplete="email" autocapitalize="none" spellcheck="false" required autofocus value="${opts.email ?? ''}"${describedBy(opts.error)}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="new-password" required${describedBy(opts.error)}>
<button type="submit">Continue</button>
</form>
<p class="links">Already have an account? <a href="${f.links.login}">Log in</a></p>`,
  );
}

/** "reset-password request" prompt: asks for the email; the answer never tells whether it exists. */
export function forgotPage(f: FormContext, opts: { sent?: boolean; error?: string | undefined } = {}): string {
  if (opts.sent) {
    return layout('Check your email', html`<h1>Check your email</h1>
<p class="lead" role="status">If an account exists for that address, we've sent an email with a link to reset your password.</p>
<p class="links"><a href="${f.links.login}">Back to log in</a></p>`);
  }
  return layout(
    'Forgot your password?',
    html`<h1>Forgot your password?</h1>
<p class="lead">Enter your email address and we will send you instructions to reset your password.</p>
${errorBox(opts.error)}<form method="post" action="${f.action}" novalidate>
${hidden(f.csrf)}
<label for="email">Email address</label>
<input id="email" name="email" type="email" autocomplete="email" autocapitalize="none" spellcheck="false" required autofocus>
<button type="submit">Continue</button>
</form>
<p class="links"><a href="${f.links.login}">Back to log in</a></p>`,
  );
}

/** The page behind the emailed reset link: a new password, twice not required (one field, new-password). */
export function resetPasswordPage(action: string, csrf: string, opts: { error?: string | undefined; policy?: string[] | undefined; email?: string | undefined } = {}): string {
  const rules = opts.policy?.length ? html`<ul class="rules">${opts.policy.map((r) => html`<li>${r}</li>`)}</ul>` : raw('');
  return layout(
    'Change your password',
    html`<h1>Change your password</h1>
<p class="lead">Enter a new password${opts.email ? html` for ${opts.email}` : raw('')}.</p>
${errorBox(opts.error)}${rules}<form method="post" action="${action}" novalidate>
${hidden(csrf)}
<label for="password">New password</label>
<input id="password" name="password" type="password" autocomplete="new-password" required autofocus${describedBy(opts.error)}>
<button type="submit">Reset password</button>
</form>`,
  );
}

/** A terminal page: password changed, logged out, or an error with no usable redirect (§6.1 error page). */
export function messagePage(title: string, message: string, opts: { role?: 'alert' | 'status'; detail?: string | undefined } = {}): string {
  return layout(
    title,
    html`<h1>${title}</h1>
<p class="lead" role="${opts.role ?? 'status'}">${message}</p>${opts.detail ? html`<p class="error">${opts.detail}</p>` : raw('')}`,
  );
}
