/**
 * Running the pipeline on a request under the edge's processing deadline, for both transports.
 *
 * When the deadline passes first, `onExpire` aborts the request's signal (modules stop their
 * work) and the caller gets `processing_timeout`. The pipeline may still finish afterwards with a
 * decision to forward: that late outcome's response is ended at once as `processing_timeout`, so
 * the modules that ran release what they hold (the cache's leader for duplicates waiting on it).
 */
import { withDeadline } from '../http/deadline.js'
import { logEvent, type Logger } from '../log.js'
import type { RequestContext, RequestMeta, RequestOutcome } from '../pipeline/types.js'

/** What deciding needs from the pipeline. */
export interface DecidingPipeline {
  handleRequest(raw: Buffer, meta: RequestMeta): Promise<RequestOutcome>
  startResponse(ctx: RequestContext): { finish(error?: string): Promise<void> }
}

export function decideWithin(
  pipeline: DecidingPipeline,
  body: Buffer,
  meta: RequestMeta,
  deadlineMs: number,
  onExpire: () => void,
  log: Logger,
): Promise<RequestOutcome> {
  const work = pipeline.handleRequest(body, meta)
  return withDeadline(work, deadlineMs, () => {
    onExpire()
    endLateOutcome(pipeline, work, meta.requestId, log)
  })
}

function endLateOutcome(
  pipeline: DecidingPipeline,
  work: Promise<RequestOutcome>,
  requestId: string,
  log: Logger,
): void {
  work
    .then(
      (late) => {
        if (late.action === 'forward')
          return pipeline.startResponse(late.ctx).finish('processing_timeout')
      },
      () => {},
    )
    .catch((err: unknown) =>
      logEvent(
        log,
        'response_tracking_failed',
        { request_id: requestId, error: String(err) },
        'warn',
      ),
    )
}
