import { AppError } from '../../core/errors.js';
import { jsonAuthErrors } from './errors.js';
import { decodeJsonValue, encodeJson, encodeJsonError } from './json-codec.js';
import { runPipeline, type AwsProtocol } from './pipeline.js';
import type { AwsHttpRequest, AwsHttpResponse, AwsSurface, DispatchDeps } from './surface.js';

const CONTENT_TYPE = 'application/x-amz-json-1.1';

/** awsJson1_1: `POST /`, `X-Amz-Target: <prefix>.<Operation>`, JSON in and out. The wire part is the target. */
export const jsonRpc: AwsProtocol<string> = {
  errors: jsonAuthErrors,
  operationName(surface, req, target) {
    const prefix = `${surface.model.metadata.targetPrefix}.`;
    const name = target.startsWith(prefix) ? target.slice(prefix.length) : '';
    if (req.method !== 'POST') throw new AppError('UnknownOperation', `Unsupported method ${req.method}`);
    return name;
  },
  unknownOperation: (_req, target) => new AppError('UnknownOperation', `${target} is not a known operation`),
  decodeInput(surface, operation, req) {
    let parsed: unknown = {};
    if (req.body.length > 0) {
      try {
        parsed = JSON.parse(req.body.toString('utf8'));
      } catch {
        throw new AppError('MalformedRequest', 'Could not parse request body into json');
      }
    }
    return operation.input ? decodeJsonValue(surface.model, operation.input.shape, parsed) : {};
  },
  pathParams: () => ({}),
  encodeOutput: (_surface, _name, _operation, output, requestId) => ({
    status: 200,
    headers: { 'content-type': CONTENT_TYPE, 'x-amzn-requestid': requestId },
    body: encodeJson(output ?? {}),
  }),
  encodeError: (_surface, err, requestId) => encodeJsonError(CONTENT_TYPE, err.status, err, requestId),
};

/** Answers one awsJson1_1 call to `surface`; `target` is its `X-Amz-Target`. */
export function dispatchJsonRpc(surface: AwsSurface, target: string, req: AwsHttpRequest, deps: DispatchDeps): Promise<AwsHttpResponse> {
  return runPipeline(jsonRpc, surface, req, target, deps);
}
