// Socket-level failures worth treating as "offline" rather than as a service answer.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);
const NETWORK_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'NetworkingError']);
// What fetch() rejects with in Chromium, Firefox and Safari when there is no connection.
const FETCH_MESSAGE = /failed to fetch|networkerror|network error|load failed|fetch failed/i;

function field(e: object, name: string): unknown {
  return (e as Record<string, unknown>)[name];
}

/**
 * True for errors that mean "no answer from the service" (no HTTP status), following `cause` chains:
 * Node socket errors, browser fetch TypeErrors and SDK timeouts. A service answer is never "offline".
 */
export function isNetworkError(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const metadata = field(error, '$metadata');
  if (typeof metadata === 'object' && metadata !== null && typeof field(metadata, 'httpStatusCode') === 'number') {
    return false;
  }
  const code = field(error, 'code');
  const name = field(error, 'name');
  const message = field(error, 'message');
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  if (typeof name === 'string' && NETWORK_NAMES.has(name)) return true;
  if (name === 'TypeError' && typeof message === 'string' && FETCH_MESSAGE.test(message)) return true;
  return isNetworkError(field(error, 'cause'), depth + 1);
}
