import autocannon from 'autocannon';

export interface LoadResult {
  /** completed requests per second (all requests of the sequence) */
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  total: number;
  errors: number;
  non2xx: number;
  durationSec: number;
}

/** One autocannon run at concurrency 32 (the project's standard), warm-up excluded by the caller. */
export async function load(options: autocannon.Options): Promise<LoadResult> {
  const result = await autocannon({ connections: 32, duration: 15, ...options });
  return {
    requestsPerSec: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    total: result.requests.total,
    errors: result.errors,
    non2xx: result.non2xx,
    durationSec: result.duration,
  };
}
