import { DEFAULT_IP_THROTTLING, type SuspiciousIpThrottling } from '../identity/ip-throttle.js';

/** Tenant settings that the Authentication API reads (auth0-api.md §4.3 "Tenant settings"). */
export interface TenantSettings {
  friendly_name: string;
  /** Connection used by the plain `password` grant (§10.29); unset means that grant fails. */
  default_directory: string | null;
  default_audience: string | null;
  /** Tenant-level `returnTo` allow-list for /v2/logout without client_id (§1.11). */
  allowed_logout_urls: string[];
  /** Hours (§1.3). */
  session_lifetime: number;
  idle_session_lifetime: number;
  /** Attack protection: suspicious IP throttling (core/identity/ip-throttle.ts). */
  suspicious_ip_throttling: SuspiciousIpThrottling;
}

export const DEFAULT_TENANT: TenantSettings = {
  friendly_name: 'Cognate',
  default_directory: null,
  default_audience: null,
  allowed_logout_urls: [],
  session_lifetime: 168,
  idle_session_lifetime: 72,
  suspicious_ip_throttling: DEFAULT_IP_THROTTLING,
};

export interface TenantRepository {
  get(): Promise<TenantSettings>;
  /** Creates the row with `defaults` unless it exists. */
  ensure(defaults: TenantSettings): Promise<void>;
  /** Changes the named settings; every worker sees them within its cache time (5 s), this one at once. */
  update(patch: Partial<TenantSettings>): Promise<TenantSettings>;
}
