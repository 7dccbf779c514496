import type { CryptoCeiling } from '../ceiling.js';
import { federatedSignIn } from './federated-signin.js';
import { auth0PasswordRealm } from './auth0-logins.js';
import { auth0ClientCredentials, auth0RefreshToken } from './auth0-token-grants.js';
import { syncRead, syncWrite } from './cognito-sync.js';
import { httpSignBound } from './http-sign-bound.js';

export interface ScenarioResult {
  name: string;
  /** human-readable lines for latest.md */
  summary: string;
  metrics: Record<string, number>;
}

export interface Scenario {
  name: string;
  run(ceiling: CryptoCeiling): Promise<ScenarioResult>;
}

export const scenarios: Scenario[] = [federatedSignIn, auth0PasswordRealm, auth0RefreshToken, auth0ClientCredentials, httpSignBound, syncRead, syncWrite];
