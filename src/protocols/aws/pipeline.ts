import { AppError } from '../../core/errors.js';
import { mapError, type ErrorTable, type RenderedError } from './errors.js';
import type { OperationModel } from './model.js';
import { invoke } from './operation.js';
import type { AwsHttpRequest, AwsHttpResponse, AwsSurface, DispatchDeps } from './surface.js';
import { validateInput } from './validate.js';

/**
 * What one AWS protocol (awsJson1_1, awsQuery, restJson1) supplies to the shared pipeline: how a
 * request names its operation and carries its input, and how results and errors are written.
 * `W` is what the router already extracted from the request (the `X-Amz-Target`, the Query
 * parameters, the matched `requestUri` template), so nothing is parsed twice. Implementations are
 * module-level constants: the pipeline allocates no closure per request.
 */
export interface AwsProtocol<W> {
  /** The protocol's names for authentication and routing errors; a surface's own table is merged over it. */
  readonly errors: ErrorTable;
  /** The operation the request names (`''` when none); throws for requests the protocol refuses outright. */
  operationName(surface: AwsSurface, req: AwsHttpRequest, wire: W): string;
  /** The error for a name the surface does not serve. */
  unknownOperation(req: AwsHttpRequest, wire: W): AppError;
  /** The operation's typed input (not yet validated), `{}` for operations without one. */
  decodeInput(surface: AwsSurface, operation: OperationModel, req: AwsHttpRequest, wire: W): unknown;
  /** Percent-decoded path labels (restJson1); empty elsewhere. */
  pathParams(wire: W): Record<string, string>;
  encodeOutput(surface: AwsSurface, name: string, operation: OperationModel, output: unknown, requestId: string): AwsHttpResponse;
  /** Writes an error already mapped through {@link AwsProtocol.errors} and the surface's table. */
  encodeError(surface: AwsSurface, err: RenderedError, requestId: string): AwsHttpResponse;
}

/**
 * The one request pipeline of every AWS surface: find the operation, authenticate (SigV4, or
 * nothing for unsigned operations), decode, validate against the model, invoke, encode — any
 * failure on the way is rendered by {@link renderError} in the protocol's error shape.
 * Authentication comes before decoding, as AWS answers an unsigned malformed request with the
 * authentication error.
 */
export async function runPipeline<W>(protocol: AwsProtocol<W>, surface: AwsSurface, req: AwsHttpRequest, wire: W, deps: DispatchDeps): Promise<AwsHttpResponse> {
  const requestId = deps.requestId();
  try {
    const name = protocol.operationName(surface, req, wire);
    // Own properties only: `constructor` or `__proto__` must be unknown operations, not Object's.
    const op = Object.hasOwn(surface.operations, name) ? surface.operations[name] : undefined;
    const model = Object.hasOwn(surface.model.operations, name) ? surface.model.operations[name] : undefined;
    if (!op || !model) throw protocol.unknownOperation(req, wire);
    const { principal, region } = await deps.authenticate(req, surface, op.auth);
    const input = protocol.decodeInput(surface, model, req, wire);
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
      pathParams: protocol.pathParams(wire),
    });
    return protocol.encodeOutput(surface, name, model, output, requestId);
  } catch (e) {
    return renderError(protocol, surface, e, requestId, deps);
  }
}

/**
 * Anything thrown, as the protocol writes errors: AppErrors through the protocol's and the
 * surface's tables, everything else as the surface's opaque internal error (reported, never shown).
 */
export function renderError<W>(protocol: AwsProtocol<W>, surface: AwsSurface, e: unknown, requestId: string, deps: Pick<DispatchDeps, 'onInternalError'>): AwsHttpResponse {
  const err = mapError(e, { ...protocol.errors, ...surface.errors }, surface.internalErrorName);
  if (err.internal) deps.onInternalError(e, requestId);
  return protocol.encodeError(surface, err, requestId);
}
