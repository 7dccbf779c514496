import type { AppContext } from '../../app/context.js';
import { LogRecorder, type LogSource } from '../../core/logs/recorder.js';
import { KyselyLogRepository } from '../../storage/repositories/auth0-logs.js';

/**
 * One tenant-log recorder per storage (i.e. per process), created on first use, so that any
 * surface can `recordEvent(ctx, …)` without new wiring. Events never block or fail a request:
 * they are buffered and written in batches (one transaction every ~50 ms or 200 events); when
 * the database is down the buffer is bounded and the oldest are dropped, counted and logged
 * (auth0-api.md §5 Logs). The server flushes it on close ({@link closeTenantLog}).
 */
const recorders = new WeakMap<object, LogRecorder>();

export function logRecorder(ctx: AppContext): LogRecorder {
  let recorder = recorders.get(ctx.storage);
  if (!recorder) {
    const created: LogRecorder = new LogRecorder(new KyselyLogRepository(ctx.storage), ctx.clock, {
      onDrop: (e) => {
        // Level warn for the first drops, then every 100th: a dead database must not flood the log.
        if (created.dropped <= 10 || created.dropped % 100 === 0) {
          ctx.logger.warn({ dropped: created.dropped, err: e instanceof Error ? e.message : String(e) }, 'tenant log event dropped');
        }
      },
      onFlushError: (e, streak, buffered) => {
        if (streak === 1 || streak % 20 === 0) {
          ctx.logger.warn({ streak, buffered, err: e instanceof Error ? e.message : String(e) }, 'tenant log write failed; events kept for retry');
        }
      },
    });
    recorder = created;
    recorders.set(ctx.storage, recorder);
  }
  return recorder;
}

/** Records a tenant log event (or the result of `source()`), in the background. Never throws. */
export function recordEvent(ctx: AppContext, source: LogSource): void {
  try {
    logRecorder(ctx).record(source);
  } catch {
    // recording must never fail the request
  }
}

/** Writes out the buffered events of this process (server close, before the storage closes). Never throws. */
export async function closeTenantLog(ctx: Pick<AppContext, 'storage'>): Promise<void> {
  const recorder = recorders.get(ctx.storage);
  if (!recorder) return;
  await recorder.close().catch(() => undefined);
}
