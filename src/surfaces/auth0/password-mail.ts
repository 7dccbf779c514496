import type { Connection } from '../../core/identity/connections.js';
import type { Auth0Services } from './services.js';

/** Starts a password reset: a known user gets the link in the outbox; nothing tells the caller which (§1.8). */
export async function sendResetMail(s: Auth0Services, connection: Connection, email: string): Promise<void> {
  const found = await s.reset.request(connection, email);
  if (!found) return;
  const link = `${s.issuer()}u/reset-password?ticket=${encodeURIComponent(found.ticket)}`;
  await s.outbox.send({
    to: found.email,
    subject: 'Reset your password',
    text: `We received a request to reset the password of your account (${found.email}).\r\n\r\nTo choose a new password, open this link within 24 hours:\r\n${link}\r\n\r\nIf you did not ask for this, ignore this email.`,
  });
}

/** The one sentence change_password answers with, whether or not the email is known (§10.17). */
export const RESET_SENT_TEXT = "We've just sent you an email to reset your password.";
