import { randomInt } from 'node:crypto';

/**
 * Tenant log events in Auth0's shape (auth0-api.md §4.3 "Logs", §5 "Logs"). Only the codes
 * Cognate emits are listed; the name is Auth0's event title, the `description` of an event is
 * its own detail (e.g. "Wrong email or password.").
 */
export const LOG_EVENT_TYPES = {
  s: 'Success Login',
  f: 'Failed Login',
  fp: 'Failed Login (Incorrect Password)',
  fu: 'Failed Login (Invalid Email/Username)',
  ss: 'Success Signup',
  fs: 'Failed Signup',
  scpr: 'Success Change Password Request',
  fcpr: 'Failed Change Password Request',
  scp: 'Success Change Password',
  fcp: 'Failed Change Password',
  seccft: 'Success Exchange (Client Credentials for Access Token)',
  feccft: 'Failed Exchange (Client Credentials for Access Token)',
  seacft: 'Success Exchange (Authorization Code for Access Token)',
  feacft: 'Failed Exchange (Authorization Code for Access Token)',
  sertft: 'Success Exchange (Refresh Token for Access Token)',
  fertft: 'Failed Exchange (Refresh Token for Access Token)',
  sepft: 'Success Exchange (Password for Access Token)',
  fepft: 'Failed Exchange (Password for Access Token)',
  scoa: 'Success Cross Origin Authentication',
  fcoa: 'Failed Cross Origin Authentication',
  slo: 'Success Logout',
  flo: 'Failed Logout',
  limit_wc: 'Blocked Account',
  limit_mu: 'Blocked IP Address',
  ublkdu: 'User Login Block Released',
  sapi: 'Success API Operation',
  fapi: 'Failed API Operation',
  sdu: 'Success User Deletion',
} as const;

export type LogEventType = keyof typeof LOG_EVENT_TYPES;

export const isLogEventType = (v: string): v is LogEventType => Object.hasOwn(LOG_EVENT_TYPES, v);

/** A stored log event as `GET /api/v2/logs` returns it. Absent members are omitted on the wire. */
export interface LogEvent {
  log_id: string;
  /** ISO 8601 */
  date: string;
  type: LogEventType;
  description?: string;
  client_id?: string;
  client_name?: string;
  ip?: string;
  hostname?: string;
  user_agent?: string;
  user_id?: string;
  user_name?: string;
  connection?: string;
  connection_id?: string;
  strategy?: string;
  strategy_type?: string;
  audience?: string;
  scope?: string;
  isMobile?: boolean;
  details?: Record<string, unknown>;
}

/** What a call site knows; id and date are assigned when the event is recorded. */
export type LogEventInput = Omit<LogEvent, 'log_id' | 'date'>;

/** Auth0's strategy families (the `strategy_type` of an event). */
export function strategyType(strategy: string): string {
  if (strategy === 'auth0') return 'database';
  if (strategy === 'email' || strategy === 'sms') return 'passwordless';
  if (['samlp', 'oidc', 'okta', 'waad', 'adfs', 'ad', 'google-apps', 'office365', 'pingfederate', 'ip'].includes(strategy)) return 'enterprise';
  return 'social';
}

let sequence = 0;

/**
 * Log ids sort like the events' time (checkpoint paging reads `log_id > from`, auth0-api.md §4.2):
 * `900` + 15-digit epoch ms + 6-digit per-process sequence + 8 random digits (distinct workers).
 */
export function newLogId(at: number): string {
  sequence = (sequence + 1) % 1_000_000;
  const ms = String(Math.max(0, Math.floor(at))).padStart(15, '0');
  return `900${ms}${String(sequence).padStart(6, '0')}${String(randomInt(100_000_000)).padStart(8, '0')}`;
}

const SECRET_KEY = /pass(word)?|secret|token|authorization|cookie|assertion|ticket|code_verifier|^code$/i;
const MAX_DEPTH = 4;
const MAX_STRING = 2000;

/** `details` without anything secret-looking (never store secrets, §5), bounded in depth and size. */
export function scrubDetails(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value;
  if (value === null || typeof value !== 'object') return typeof value === 'function' ? undefined : value;
  if (depth >= MAX_DEPTH) return '[truncated]';
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => scrubDetails(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value).slice(0, 50)) {
    if (SECRET_KEY.test(k)) continue;
    const clean = scrubDetails(v, depth + 1);
    if (clean !== undefined) out[k] = clean;
  }
  return out;
}

/** The event to store: id, date, and only the members that have a value. */
export function buildLogEvent(input: LogEventInput, at: number, id: string = newLogId(at)): LogEvent {
  const event: Record<string, unknown> = { log_id: id, date: new Date(at).toISOString() };
  for (const [k, v] of Object.entries(input)) {
    if (v === undefined || v === null || v === '') continue;
    event[k] = k === 'details' ? scrubDetails(v) : typeof v === 'string' ? v.slice(0, MAX_STRING) : v;
  }
  return event as unknown as LogEvent;
}
