/**
 * The one configuration schema: every setting is a `--flag`, an env var `COGNATE_<FLAG>`
 * (upper-case, dashes to underscores) and has a default and a line of documentation.
 * `cognate --help` and the README's table are generated from this list.
 */
export interface OptionSpec {
  readonly type: 'string' | 'integer' | 'enum';
  readonly values?: readonly string[];
  readonly default?: string | number;
  readonly doc: string;
}

export const serveOptions = {
  port: { type: 'integer', default: 8443, doc: 'TCP port to listen on (0 picks a free one).' },
  host: { type: 'string', default: '127.0.0.1', doc: 'Address to listen on.' },
  data: { type: 'string', default: './.cognate', doc: 'Directory for embedded SQLite, key material and TLS files.' },
  'database-url': { type: 'string', doc: 'postgres://… to use PostgreSQL instead of embedded SQLite.' },
  issuer: { type: 'string', doc: 'Public base URL of this server (default: derived from --tls, --host and --port).' },
  region: { type: 'string', default: 'us-east-1', doc: 'AWS region this server answers as (identity ids are <region>:<uuid>).' },
  'account-id': { type: 'string', default: '123456789012', doc: 'The 12-digit AWS account id this server answers as.' },
  tls: { type: 'enum', values: ['off', 'auto'], default: 'off', doc: 'auto: create a local CA and a localhost certificate under <data>/tls/ and serve HTTPS.' },
  workers: { type: 'integer', default: 1, doc: 'Worker processes (node:cluster); 0 means one per CPU core.' },
  'body-limit': { type: 'integer', default: 1_048_576 * 2, doc: 'Largest request body accepted, in bytes.' },
  'log-level': { type: 'enum', values: ['fatal', 'error', 'warn', 'info', 'debug', 'silent'], default: 'info', doc: 'Log level.' },
  'sqlite-synchronous': {
    type: 'enum',
    values: ['normal', 'full'],
    default: 'full',
    doc: 'Embedded SQLite (WAL) durability. full: every commit survives power loss (one fsync per commit, shared by the sign-ins a group commit carries). normal: no fsync per commit, for more write throughput where disk flushes are slow; commits still survive a crash or kill -9 of the process, but a power loss or OS crash may undo the last ones (the database stays consistent). PostgreSQL ignores it.',
  },
  'trust-proxy': {
    type: 'string',
    doc: 'Reverse proxies (load balancers) in front of this server, comma-separated IPs or CIDRs, or loopback, linklocal, uniquelocal: their X-Forwarded-For names the client for rate limits, brute-force protection, logs and aws:SourceIp. Unset: none is trusted and X-Forwarded-For is ignored.',
  },
  'auth0-rate-limit': {
    type: 'integer',
    default: 0,
    doc: 'Auth0 Authentication API requests per minute per IP, counted per worker; 0 (the default): unlimited. Abuse is throttled by failures, not volume: suspicious IP throttling (failed logins per IP) and brute-force protection (per identifier and IP), both on by default.',
  },
  'auth0-signup-rate-limit': { type: 'integer', default: 10_000, doc: 'POST /dbconnections/signup per minute per IP, per worker (Auth0: 50; 0: unlimited).' },
  'auth0-change-password-rate-limit': { type: 'integer', default: 10, doc: 'POST /dbconnections/change_password per minute per IP and email, per worker (0: unlimited).' },
} as const satisfies Record<string, OptionSpec>;

export type ServeOptionName = keyof typeof serveOptions;

export interface ServeConfig {
  port: number;
  host: string;
  data: string;
  databaseUrl: string | undefined;
  /** Public base URL, no trailing slash. */
  issuer: string;
  /** False when the issuer was derived (then a port-0 listener re-derives it once bound). */
  issuerExplicit: boolean;
  region: string;
  accountId: string;
  tls: 'off' | 'auto';
  workers: number;
  bodyLimit: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'silent';
  /** Embedded SQLite's `synchronous` (WAL): `full` fsyncs every commit, `normal` only checkpoints. */
  sqliteSynchronous: 'normal' | 'full';
  /** Addresses of trusted reverse proxies (IPs, CIDRs, or proxy-addr's named ranges); empty: none. */
  trustProxy: string[];
  /** Auth0 Authentication API rate limits, requests per minute (0: unlimited). */
  auth0RateLimits: { global: number; signup: number; changePassword: number };
}

export const envName = (flag: string): string => `COGNATE_${flag.toUpperCase().replace(/-/g, '_')}`;
