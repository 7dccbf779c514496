import { AppError } from '../../core/errors.js';
import { decodeJsonValue, encodeJson } from './json-codec.js';
import { jsonAuthErrors, mapError } from './errors.js';
import { invoke } from './operation.js';
import type { AwsHttpRequest, AwsHttpResponse, AwsSurface, DispatchDeps } from './surface.js';
import { validateInput } from './validate.js';

const CONTENT_TYPE = 'application/x-amz-json-1.1';

/** awsJson1_1: `POST /`, `X-Amz-Target: <prefix>.<Operation>`, JSON in and out. */
export async function dispatchJsonRpc(surface: AwsSurface, target: string, req: AwsHttpRequest, deps: DispatchDeps): Promise<AwsHttpResponse> {
  const requestId = deps.requestId();
  try {
    const prefix = `${surface.model.metadata.targetPrefix}.`;
    const name = target.startsWith(prefix) ? target.slice(prefix.length) : '';
    const op = surface.operations[name];
    const model = surface.model.operations[name];
    if (req.method !== 'POST') throw new AppError('UnknownOperation', `Unsupported method ${req.method}`);
    if (!op || !model) throw new AppError('UnknownOperation', `${target} is not a known operation`);
    const { principal, region } = await deps.authenticate(req, surface, op.auth);
    let parsed: unknown = {};
    if (req.body.length > 0) {
      try {
        parsed = JSON.parse(req.body.toString('utf8'));
      } catch {
        throw new AppError('MalformedRequest', 'Could not parse request body into json');
      }
    }
    const input = model.input ? decodeJsonValue(surface.model, model.input.shape, parsed) : {};
    if (model.input) {
      const problem = validateInput(surface.model, model.input.shape, input);
      if (problem) throw new AppError('ValidationError', problem);
    }
    const output = await invoke(op, input ?? {}, {
      requestId,
      now: deps.now(),
      sourceIp: req.sourceIp,
      principal,
      region,
      headers: req.headers,
      pathParams: {},
    });
    return { status: 200, headers: { 'content-type': CONTENT_TYPE, 'x-amzn-requestid': requestId }, body: encodeJson(output ?? {}) };
  } catch (e) {
    return renderJsonRpcError(surface, e, requestId, deps);
  }
}

/** awsJson1_1 error: body `__type` + `message`, and the `x-amzn-*` headers real services send. */
export function renderJsonRpcError(surface: AwsSurface, e: unknown, requestId: string, deps: Pick<DispatchDeps, 'onInternalError'>): AwsHttpResponse {
  const err = mapError(e, { ...jsonAuthErrors, ...surface.errors }, surface.internalErrorName);
  if (err.internal) deps.onInternalError(e, requestId);
  return {
    status: err.status,
    headers: {
      'content-type': CONTENT_TYPE,
      'x-amzn-requestid': requestId,
      // Real services send the name with a trailing colon (aws-apis.md §0.4).
      'x-amzn-errortype': `${err.name}:`,
      'x-amzn-errormessage': headerSafe(err.message),
    },
    body: JSON.stringify({ __type: err.name, message: err.message }),
  };
}

/** Header values must be Latin-1 without control characters. */
export function headerSafe(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, ' ').slice(0, 1024);
}
