/**
 * What the response side of both transports reports about one request to one endpoint: fed to the
 * endpoint policy (load, health) and to the live per-model statistics the selectors read.
 */
export type EndpointObservation =
  | {
      readonly kind: 'started'
      readonly endpoint: string
      readonly model: string
      readonly requestId: string
    }
  | {
      readonly kind: 'finished'
      readonly endpoint: string
      readonly model: string
      readonly requestId: string
      readonly status: number
      readonly latencySeconds: number
      readonly ttftSeconds?: number
      /** Completion tokens of the answer (usage), when reported. */
      readonly completionTokens?: number
      readonly error?: string
      /** A 429/503 answer's `Retry-After`, in ms (the endpoint's cool-down). */
      readonly retryAfterMs?: number
    }
