import type { IncomingHttpHeaders } from 'node:http';
import type { Principal } from '../../core/credentials/principal.js';

/** What an AWS operation handler sees of the request besides its typed input. */
export interface OperationContext {
  requestId: string;
  /** ms since epoch, from the app clock */
  now: number;
  sourceIp: string;
  /** The verified signer; undefined for operations that arrive unsigned (`auth: 'none'`). */
  principal: Principal | undefined;
  /** Region from the SigV4 credential scope, else the server's region. */
  region: string;
  headers: IncomingHttpHeaders;
  /** Percent-decoded path labels (restJson1 surfaces). */
  pathParams: Record<string, string>;
}

/** One operation: it decodes nothing and encodes nothing — the surface's codec does. */
export interface Operation<I = Record<string, unknown>, O = Record<string, unknown> | undefined> {
  /** `none` for operations AWS serves unsigned (aws-apis.md §0.2); any Authorization is then ignored. */
  auth: 'sigv4' | 'none';
  handle(input: I, ctx: OperationContext): Promise<O>;
}

export type AnyOperation = Operation<never, unknown>;

/** Keeps each handler's own input/output types while storing them in one table. */
export function operation<I, O>(op: Operation<I, O>): AnyOperation {
  return op as unknown as AnyOperation;
}

/** Calls an operation from a table with an input the codec has already validated against the model. */
export function invoke(op: AnyOperation, input: unknown, ctx: OperationContext): Promise<unknown> {
  return (op as unknown as Operation<unknown, unknown>).handle(input, ctx);
}
