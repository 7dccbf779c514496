import { AppError } from '../../core/errors.js';
import { mapError, queryAuthErrors } from './errors.js';
import { invoke } from './operation.js';
import { decodeQuery } from './query.js';
import type { AwsHttpRequest, AwsHttpResponse, AwsSurface, DispatchDeps } from './surface.js';
import { validateInput } from './validate.js';
import { encodeQueryError, encodeQueryResponse } from './xml.js';

/** awsQuery: `POST /` form body (or GET query) `Action=…&Version=…`, XML out. */
export async function dispatchQuery(surface: AwsSurface, params: URLSearchParams, req: AwsHttpRequest, deps: DispatchDeps): Promise<AwsHttpResponse> {
  const requestId = deps.requestId();
  try {
    const name = params.get('Action') ?? '';
    const op = surface.operations[name];
    const model = surface.model.operations[name];
    if (!op || !model) throw new AppError('UnknownOperation', `Could not find operation ${name} for version ${params.get('Version') ?? 'NO_VERSION_SPECIFIED'}`);
    const { principal, region } = await deps.authenticate(req, surface, op.auth);
    const input = model.input ? decodeQuery(surface.model, model.input.shape, params) : {};
    if (model.input) {
      const problem = validateInput(surface.model, model.input.shape, input);
      if (problem) throw new AppError('ValidationError', problem);
    }
    const output = await invoke(op, input, {
      requestId,
      now: deps.now(),
      sourceIp: req.sourceIp,
      principal,
      region,
      headers: req.headers,
      pathParams: {},
    });
    return {
      status: 200,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
      body: encodeQueryResponse(surface.model, name, output as Record<string, unknown> | undefined, requestId),
    };
  } catch (e) {
    return renderQueryError(surface, e, requestId, deps);
  }
}

/** awsQuery error: the `<ErrorResponse>` envelope (aws-apis.md §0.4). */
export function renderQueryError(surface: AwsSurface, e: unknown, requestId: string, deps: Pick<DispatchDeps, 'onInternalError'>): AwsHttpResponse {
  const err = mapError(e, { ...queryAuthErrors, ...surface.errors }, surface.internalErrorName);
  if (err.internal) deps.onInternalError(e, requestId);
  return {
    status: err.status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body: encodeQueryError(surface.model.metadata.xmlNamespace ?? '', err.name, err.message, requestId, err.status < 500),
  };
}
