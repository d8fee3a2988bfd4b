/**
 * The ext_proc messages as plain objects (snake_case, enums as numbers, bytes as Buffers), and
 * builders for the replies. Header rules (docs/extproc.md): read `raw_value` and fall back to
 * `value`; write only `raw_value`, with `append` unset and
 * `append_action = OVERWRITE_IF_EXISTS_OR_ADD`, which means "overwrite" under both the old and the
 * new Envoy interpretation.
 */

export interface HeaderValue {
  key: string
  value?: string
  raw_value?: Buffer
}

export interface HeaderMap {
  headers?: HeaderValue[]
}

export interface HttpHeaders {
  headers?: HeaderMap
  end_of_stream?: boolean
}

export interface HttpBody {
  body?: Buffer
  end_of_stream?: boolean
  end_of_stream_without_message?: boolean
}

export interface HttpTrailers {
  trailers?: HeaderMap
}

export const BodySendMode = {
  NONE: 0,
  STREAMED: 1,
  BUFFERED: 2,
  BUFFERED_PARTIAL: 3,
  FULL_DUPLEX_STREAMED: 4,
  GRPC: 5,
} as const

export const HeaderSendMode = { DEFAULT: 0, SEND: 1, SKIP: 2 } as const

export interface ProcessingMode {
  request_header_mode?: number
  response_header_mode?: number
  request_body_mode?: number
  response_body_mode?: number
  request_trailer_mode?: number
  response_trailer_mode?: number
}

export interface ProtocolConfiguration {
  request_body_mode?: number
  response_body_mode?: number
  send_body_without_waiting_for_header_response?: boolean
}

export type RequestKind =
  | 'request_headers'
  | 'response_headers'
  | 'request_body'
  | 'response_body'
  | 'request_trailers'
  | 'response_trailers'

export interface ProcessingRequest {
  /** Which oneof case is set (added by the decoder). */
  request?: RequestKind
  request_headers?: HttpHeaders
  response_headers?: HttpHeaders
  request_body?: HttpBody
  response_body?: HttpBody
  request_trailers?: HttpTrailers
  response_trailers?: HttpTrailers
  metadata_context?: { filter_metadata?: Record<string, unknown> }
  attributes?: Record<string, unknown>
  observability_mode?: boolean
  protocol_config?: ProtocolConfiguration
}

export const APPEND_ACTION_OVERWRITE_IF_EXISTS_OR_ADD = 2

export interface HeaderValueOption {
  header: HeaderValue
  append_action?: number
}

export interface HeaderMutation {
  set_headers?: HeaderValueOption[]
  remove_headers?: string[]
}

export type BodyMutation = { body: Buffer } | { clear_body: boolean }

export const ResponseStatus = { CONTINUE: 0, CONTINUE_AND_REPLACE: 1 } as const

export interface CommonResponse {
  status?: number
  header_mutation?: HeaderMutation
  body_mutation?: BodyMutation
  clear_route_cache?: boolean
}

export interface ImmediateResponseMessage {
  status: { code: number }
  headers?: HeaderMutation
  body?: Buffer
  details?: string
}

/** google.protobuf.Struct in its wire-object form. */
export interface StructValue {
  fields: Record<string, { stringValue: string } | { structValue: StructValue }>
}

export interface ProcessingResponse {
  request_headers?: { response: CommonResponse }
  response_headers?: { response: CommonResponse }
  request_body?: { response: CommonResponse }
  response_body?: { response: CommonResponse }
  request_trailers?: { header_mutation?: HeaderMutation }
  response_trailers?: { header_mutation?: HeaderMutation }
  immediate_response?: ImmediateResponseMessage
  dynamic_metadata?: StructValue
  mode_override?: ProcessingMode
}

/** Header value by Envoy's rule: raw_value when present, else value. */
export function headerValue(header: HeaderValue): string {
  const raw = header.raw_value
  if (raw !== undefined && raw.length > 0) return raw.toString('utf8')
  return header.value ?? ''
}

/**
 * Headers as a lower-cased record. Repeated headers are joined with `,` (HTTP list semantics);
 * `cookie` is joined with `; ` as RFC 9113 requires.
 */
export function headersToRecord(map: HeaderMap | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const header of map?.headers ?? []) {
    const key = header.key.toLowerCase()
    const value = headerValue(header)
    const existing = out[key]
    if (existing === undefined) out[key] = value
    else out[key] = `${existing}${key === 'cookie' ? '; ' : ','}${value}`
  }
  return out
}

export function setHeader(key: string, value: string): HeaderValueOption {
  return {
    header: { key, raw_value: Buffer.from(value, 'utf8') },
    append_action: APPEND_ACTION_OVERWRITE_IF_EXISTS_OR_ADD,
  }
}

export function setHeaders(headers: Iterable<readonly [string, string]>): HeaderValueOption[] {
  const out: HeaderValueOption[] = []
  for (const [key, value] of headers) out.push(setHeader(key, value))
  return out
}

/** HTTP codes Envoy's StatusCode enum defines; others are mapped to their class's base code. */
const DEFINED_STATUS = new Set([
  100, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 307, 308,
  400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 421,
  422, 423, 424, 426, 428, 429, 431, 500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511,
])

/** An HTTP status Envoy accepts in ImmediateResponse (it rejects 0 and undefined enum values). */
export function envoyStatusCode(status: number): number {
  if (DEFINED_STATUS.has(status)) return status
  const base = Math.floor(status / 100) * 100
  return DEFINED_STATUS.has(base) ? base : 500
}

export function immediateResponse(args: {
  status: number
  headers: Iterable<readonly [string, string]>
  body: string | Buffer
  details: string
}): ProcessingResponse {
  return {
    immediate_response: {
      status: { code: envoyStatusCode(args.status) },
      headers: { set_headers: setHeaders(args.headers) },
      body: typeof args.body === 'string' ? Buffer.from(args.body, 'utf8') : args.body,
      details: args.details,
    },
  }
}

/** google.protobuf.Struct holding `{ namespace: { key: value } }` string entries. */
export function metadataStruct(
  namespaces: Record<string, Record<string, string>>,
): StructValue | undefined {
  const fields: StructValue['fields'] = {}
  let any = false
  for (const [ns, entries] of Object.entries(namespaces)) {
    const inner: StructValue = { fields: {} }
    for (const [key, value] of Object.entries(entries)) inner.fields[key] = { stringValue: value }
    fields[ns] = { structValue: inner }
    any = true
  }
  return any ? { fields } : undefined
}
