import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { BruteForceGuard } from './brute-force.js';
import type { Connection } from './connections.js';
import { checkPassword, describePolicy, type PolicyReport } from './password-policy.js';
import type { PasswordHasher } from './passwords.js';
import type { ConnectionRepository, UserRepository } from './ports.js';

export interface TicketValue {
  user_id: string;
  email: string;
  connection_id: string;
}

/** Single-use reset tickets (an opaque id → user), stored with an expiry. */
export interface TicketStore {
  put(id: string, value: TicketValue, expiresAt: number): Promise<void>;
  get(id: string): Promise<TicketValue | undefined>;
  delete(id: string): Promise<void>;
}

export const RESET_TICKET_TTL_MS = 24 * 3600 * 1000;

export type ResetOutcome = { ok: true } | { ok: false; reason: 'invalid_ticket' } | { ok: false; reason: 'invalid_password'; report: PolicyReport; policy: string };

/**
 * The change-password flow (auth0-api.md §1.8, §10.17): a request always "succeeds" (the caller
 * answers the same for unknown emails, after similar work); a known user gets a ticket link by
 * mail; redeeming it sets the password and lifts brute-force blocks (§5).
 */
export class PasswordReset {
  constructor(
    private readonly users: UserRepository,
    private readonly connections: ConnectionRepository,
    private readonly tickets: TicketStore,
    private readonly hasher: PasswordHasher,
    private readonly guard: BruteForceGuard,
    private readonly clock: Clock,
  ) {}

  /** Returns the ticket id for a known user, undefined otherwise (never tell the requester which). */
  async request(connection: Connection, email: string): Promise<{ ticket: string; email: string } | undefined> {
    const user = await this.users.findByEmail(connection.id, email);
    if (!user?.email) {
      await this.hasher.verifyDummy(email); // similar timing for unknown emails
      return undefined;
    }
    const ticket = randomBytes(32).toString('base64url');
    await this.tickets.put(ticket, { user_id: user.user_id, email: user.email, connection_id: connection.id }, this.clock.now() + RESET_TICKET_TTL_MS);
    return { ticket, email: user.email };
  }

  async peek(ticket: string): Promise<TicketValue | undefined> {
    return this.tickets.get(ticket);
  }

  async redeem(ticket: string, password: string): Promise<ResetOutcome> {
    const found = await this.tickets.get(ticket);
    const connection = found && (await this.connections.findById(found.connection_id));
    if (!found || !connection) return { ok: false, reason: 'invalid_ticket' };
    const report = checkPassword(password, connection.options.passwordPolicy, connection.options.password_complexity_options?.min_length);
    if (!report.verified) return { ok: false, reason: 'invalid_password', report, policy: describePolicy(report) };
    await this.users.setPassword(found.user_id, await this.hasher.hash(password), this.clock.now());
    await this.tickets.delete(ticket);
    await this.guard.unblock(found.email);
    return { ok: true };
  }
}
