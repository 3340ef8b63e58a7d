/**
 * The request/response shapes route handlers of a simulated BMC work with. Handlers return a
 * SimResponse (or throw SimHttpError); the pipeline writes it with the vendor's serializer.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

/** Who a request was authenticated as. */
export interface SimAuth {
  username: string;
  /** The session id when authenticated by X-Auth-Token; undefined for Basic. */
  sessionId?: string;
}

export interface SimRequest {
  readonly method: string;
  /** Canonical path: no query, no trailing slash. */
  readonly path: string;
  /** The path as the client sent it (with trailing slash if any, without query). */
  readonly rawPath: string;
  readonly query: URLSearchParams;
  /** Values of `:name` segments of the matched route. */
  readonly params: Readonly<Record<string, string>>;
  readonly headers: IncomingHttpHeaders;
  readonly auth: SimAuth | undefined;
  /** The underlying request, for handlers that stream large bodies (image uploads). */
  readonly raw: IncomingMessage;
  /** Reads the whole body (at most `limit` bytes; 413 beyond). */
  body(limit?: number): Promise<Buffer>;
  /** Reads and parses a JSON body; 400 MalformedJSON when it is not JSON. */
  json(): Promise<unknown>;
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string | number>;
  /** An object is serialized as JSON the vendor's way; a string or Buffer is sent as is. */
  body?: unknown;
  /** Content-Type for string/Buffer bodies (JSON bodies get application/json). */
  contentType?: string;
}

export type SimHandler = (req: SimRequest) => SimResponse | Promise<SimResponse>;
