import { AppError } from '../../core/errors.js';
import { queryAuthErrors } from './errors.js';
import { runPipeline, type AwsProtocol } from './pipeline.js';
import { decodeQuery } from './query.js';
import type { AwsHttpRequest, AwsHttpResponse, AwsSurface, DispatchDeps } from './surface.js';
import { encodeQueryError, encodeQueryResponse } from './xml.js';

/** awsQuery: `POST /` form body (or GET query) `Action=…&Version=…`, XML out. The wire part is the parameters. */
export const awsQuery: AwsProtocol<URLSearchParams> = {
  errors: queryAuthErrors,
  operationName: (_surface, _req, params) => params.get('Action') ?? '',
  unknownOperation: (_req, params) =>
    new AppError('UnknownOperation', `Could not find operation ${params.get('Action') ?? ''} for version ${params.get('Version') ?? 'NO_VERSION_SPECIFIED'}`),
  decodeInput: (surface, operation, _req, params) => (operation.input ? decodeQuery(surface.model, operation.input.shape, params) : {}),
  pathParams: () => ({}),
  encodeOutput: (surface, name, _operation, output, requestId) => ({
    status: 200,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body: encodeQueryResponse(surface.model, name, output as Record<string, unknown> | undefined, requestId),
  }),
  // The `<ErrorResponse>` envelope (aws-apis.md §0.4).
  encodeError: (surface, err, requestId) => ({
    status: err.status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body: encodeQueryError(surface.model.metadata.xmlNamespace ?? '', err.name, err.message, requestId, err.status < 500),
  }),
};

/** Answers one awsQuery call to `surface`; `params` are the query string and form body together. */
export function dispatchQuery(surface: AwsSurface, params: URLSearchParams, req: AwsHttpRequest, deps: DispatchDeps): Promise<AwsHttpResponse> {
  return runPipeline(awsQuery, surface, req, params, deps);
}
