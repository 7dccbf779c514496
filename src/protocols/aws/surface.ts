import type { IncomingHttpHeaders } from 'node:http';
import type { Principal } from '../../core/credentials/principal.js';
import type { ErrorTable } from './errors.js';
import type { ServiceModel } from './model.js';
import type { AnyOperation } from './operation.js';

/** One AWS wire surface: its model, protocol, operations and error names. */
export interface AwsSurface {
  model: ServiceModel;
  protocol: 'awsJson1_1' | 'awsQuery' | 'restJson1';
  /** SigV4 signing name (credential-scope service), e.g. `iam`, `sts`, `cognito-identity`. */
  signingName: string;
  operations: Record<string, AnyOperation>;
  /** Service-specific names; merged over the protocol's authentication errors. */
  errors: ErrorTable;
  /** Name of the service's internal-failure error (`InternalErrorException`, `ServiceFailure`, …). */
  internalErrorName: string;
}

/** A request as the AWS codecs see it: the raw wire parts SigV4 needs. */
export interface AwsHttpRequest {
  method: string;
  rawPath: string;
  rawQuery: string;
  headers: IncomingHttpHeaders;
  /** Repeated headers kept apart: SigV4 joins them with ',' where node joins with ', '. */
  headersDistinct: NodeJS.Dict<string[]>;
  body: Buffer;
  sourceIp: string;
}

export interface AwsHttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Verifies SigV4 (when the operation needs it) and names the signer. */
export type Authenticate = (
  req: AwsHttpRequest,
  surface: AwsSurface,
  auth: 'sigv4' | 'none',
) => Promise<{ principal: Principal | undefined; region: string }>;

export interface DispatchDeps {
  authenticate: Authenticate;
  now: () => number;
  requestId: () => string;
  /** Called with errors that were not AppErrors (they are rendered opaquely). */
  onInternalError: (e: unknown, requestId: string) => void;
}
