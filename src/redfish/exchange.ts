/**
 * The transport's recording hook: every answered request as sent and received, before any
 * redaction. `firmwarden probe --record` turns these into a redacted trace (src/probe/).
 */
import type { HttpMethod } from './transport.ts';

/** One request and its answer, for an {@link ExchangeRecorder}. */
export interface RedfishExchange {
  method: HttpMethod;
  /** Path and query as sent. */
  uri: string;
  requestHeaders: Record<string, string>;
  /** The JSON body sent; raw bodies (images) are never recorded. */
  requestJson?: unknown;
  status: number;
  responseHeaders: Record<string, string | undefined>;
  /** The response body text, as received. */
  responseText: string;
}

/** Called once per answered try; must not throw. */
export type ExchangeRecorder = (exchange: RedfishExchange) => void;
