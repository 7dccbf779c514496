/**
 * Operator configuration of Cognito Events / Streams / push sync delivery.
 *
 * There is no Lambda, Kinesis or SNS in Cognate: the Lambda ARN given to SetCognitoEvents
 * (`SyncTrigger`), the stream name given to SetIdentityPoolConfiguration (`CognitoStreams`) and
 * the SNS platform application ARNs given to it (`PushSync.ApplicationArns`) are looked up in
 * the environment variable
 *
 *   COGNATE_SYNC_WEBHOOKS='{"arn:aws:lambda:us-east-1:123456789012:function:onSync": "https://hooks.example.com/sync",
 *                           "my-stream": "http://10.0.0.5:8080/stream",
 *                           "arn:aws:sns:us-east-1:123456789012:app/GCM/MyApp": "https://hooks.example.com/push"}'
 *
 * (a JSON object: name → http(s) URL). Every dataset change is then POSTed to that URL (push
 * sync: once per subscribed device), signed with `x-cognate-signature: sha256=<hex HMAC-SHA256 of
 * the body>` under the deployment's webhook key (key ring purpose `cognito-sync-webhook`).
 */
export type WebhookTargets = ReadonlyMap<string, URL>;

export const WEBHOOKS_ENV = 'COGNATE_SYNC_WEBHOOKS';

export class WebhookConfigError extends Error {
  override readonly name = 'WebhookConfigError';
}

export function parseWebhookTargets(raw: string | undefined): WebhookTargets {
  const out = new Map<string, URL>();
  if (raw === undefined || raw.trim() === '') return out;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new WebhookConfigError(`${WEBHOOKS_ENV} must be a JSON object of "<lambda arn, stream name or sns platform application arn>": "<http(s) url>"`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new WebhookConfigError(`${WEBHOOKS_ENV} must be a JSON object`);
  }
  for (const [name, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof value !== 'string') throw new WebhookConfigError(`${WEBHOOKS_ENV}: the URL for ${name} must be a string`);
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new WebhookConfigError(`${WEBHOOKS_ENV}: ${value} (for ${name}) is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new WebhookConfigError(`${WEBHOOKS_ENV}: ${value} must be http(s)`);
    out.set(name, url);
  }
  return out;
}

export function loadWebhookTargets(env: NodeJS.ProcessEnv): WebhookTargets {
  return parseWebhookTargets(env[WEBHOOKS_ENV]);
}
