import type { CryptoCeiling } from '../ceiling.js';
import { federatedSignIn } from './federated-signin.js';

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

export const scenarios: Scenario[] = [federatedSignIn];
