/**
 * SigV4 signing for load generators: `@smithy/signature-v4` (the SDKs' own signer) with a
 * node:crypto SHA-256, producing raw headers that autocannon can send as they are.
 *
 * The smithy signer is asynchronous while autocannon's `setupRequest` is not, so the scenarios
 * sign ahead of time (in batches before the run, or right after the response that a request
 * depends on) and `setupRequest` only takes a signed request from a queue.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, Checksum, SourceData } from '@smithy/types';

const bytes = (data: SourceData): Buffer | string =>
  typeof data === 'string' ? data : ArrayBuffer.isView(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(data);

/** The smithy `Checksum` interface over node:crypto: SHA-256, or HMAC-SHA256 given a secret. */
class NodeSha256 implements Checksum {
  #h: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.#h = this.#fresh();
  }
  #fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(this.secret));
  }
  update(data: Uint8Array): void {
    this.#h.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.#h.digest();
  }
  reset(): void {
    this.#h = this.#fresh();
  }
}

export interface SignedRequest {
  method: SignOptions['method'];
  /** path and query, as sent */
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface SignOptions {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** percent-encoded path, as the SDK sends it */
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
}

/** A signer bound to one set of credentials and one endpoint. */
export class RequestSigner {
  readonly #signer: SignatureV4;
  readonly #host: string;
  readonly #hostname: string;
  readonly #port: number | undefined;

  constructor(endpoint: string, credentials: AwsCredentialIdentity, service: string, region = 'us-east-1') {
    const url = new URL(endpoint);
    this.#host = url.host;
    this.#hostname = url.hostname;
    this.#port = url.port ? Number(url.port) : undefined;
    // uriEscapePath (the default) as every service but S3: the canonical path is the sent path encoded once more.
    this.#signer = new SignatureV4({ credentials, region, service, sha256: NodeSha256 });
  }

  async sign(o: SignOptions): Promise<SignedRequest> {
    const headers: Record<string, string> = { host: this.#host, ...o.headers };
    if (o.body !== undefined) headers['content-type'] ??= 'application/json';
    const request = new HttpRequest({
      method: o.method,
      protocol: 'http:',
      hostname: this.#hostname,
      ...(this.#port === undefined ? {} : { port: this.#port }),
      path: o.path,
      query: o.query ?? {},
      headers,
      ...(o.body === undefined ? {} : { body: o.body }),
    });
    const signed = (await this.#signer.sign(request)) as HttpRequest;
    const query = new URLSearchParams(o.query ?? {}).toString().replace(/\+/g, '%20');
    return {
      method: o.method,
      path: query ? `${o.path}?${query}` : o.path,
      headers: signed.headers,
      ...(o.body === undefined ? {} : { body: o.body }),
    };
  }
}
