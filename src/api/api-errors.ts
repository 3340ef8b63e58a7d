/**
 * API errors: every failure leaves the API as `{ "error": { "code", "message", "field"? } }` with
 * a stable `FW_API_*` code (or the core's own `FW_ERR_*` code where the core refused), so clients
 * branch on the code and never on the text. Core errors map to an HTTP status by their code.
 */
import { FirmwardenError } from '../errors.ts';

/** Stable API error codes and their HTTP status. */
export const ApiErrorCode = {
  /** Malformed JSON body. */
  FW_API_BAD_JSON: 400,
  /** Body, query or path parameter failed validation; `field` names the path. */
  FW_API_VALIDATION: 400,
  /** No bearer token, or an unknown one. */
  FW_API_UNAUTHORIZED: 401,
  /** The token's role may not make this call. */
  FW_API_FORBIDDEN: 403,
  /** No such route, or no such resource (rollout, operation). */
  FW_API_NOT_FOUND: 404,
  /** The route exists but not with this method; `Allow` lists the methods. */
  FW_API_METHOD_NOT_ALLOWED: 405,
  /** The resource is in a state that refuses the call (pause a completed rollout). */
  FW_API_CONFLICT: 409,
  /** Another process drives the rollout (its lease is held). */
  FW_API_ROLLOUT_LOCKED: 409,
  /** Body larger than api.maxBodyBytes. */
  FW_API_TOO_LARGE: 413,
  /** A body that is not application/json. */
  FW_API_UNSUPPORTED_MEDIA_TYPE: 415,
  /** The config lacks what the call needs (no catalog configured). */
  FW_API_NOT_CONFIGURED: 409,
  /** Anything unexpected: the message is generic, details go to the log. */
  FW_API_INTERNAL: 500,
} as const;
export type ApiErrorCode = keyof typeof ApiErrorCode;

/** An error the API answers with as it is. */
export class ApiError extends FirmwardenError {
  readonly status: number;
  readonly field: string | undefined;
  readonly headers: Record<string, string>;
  constructor(
    code: ApiErrorCode,
    message: string,
    options: { field?: string; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(code, message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ApiError';
    this.status = ApiErrorCode[code];
    this.field = options.field;
    this.headers = options.headers ?? {};
  }
}

/** The body of every error response. */
export interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

/** Core error codes that are the caller's fault or a state conflict, by HTTP status. */
const CORE_STATUS: Array<[RegExp, number]> = [
  [/^FW_ERR_(CONFIG|CATALOG|PLAN_|POLICY)/, 400],
  [/^FW_ERR_ROLLOUT_NOT_FOUND$/, 404],
  [/^FW_ERR_ROLLOUT_LOCKED$|^FW_ERR_LOCKED$/, 409],
  [/^FW_ERR_UNSUPPORTED$/, 501],
  // A BMC or catalog source failed behind us.
  [
    /^FW_ERR_(HTTP|AUTH|TLS|TLS_PIN|CONNECT|TIMEOUT|NETWORK|CONNECTION_LOST|BAD_RESPONSE|CATALOG_SOURCE)$/,
    502,
  ],
];

/** Status and body for any thrown value; `internal` says whether to log it as a bug. */
export function errorResponse(err: unknown): {
  status: number;
  body: ErrorBody;
  headers: Record<string, string>;
  internal: boolean;
} {
  if (err instanceof ApiError) {
    return {
      status: err.status,
      body: { error: { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}) } },
      headers: err.headers,
      internal: false,
    };
  }
  if (err instanceof FirmwardenError) {
    const status = CORE_STATUS.find(([re]) => re.test(err.code))?.[1];
    if (status !== undefined)
      return {
        status,
        body: { error: { code: err.code, message: err.message } },
        headers: {},
        internal: false,
      };
  }
  return {
    status: 500,
    body: { error: { code: 'FW_API_INTERNAL', message: 'internal error; the server log has the details' } },
    headers: {},
    internal: true,
  };
}
