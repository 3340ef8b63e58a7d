/** Pieces the route files share: documented error responses and the 202 answer of an operation. */
import type { Operation } from '../operations.ts';
import type { Reply, ResponseDoc } from '../route.ts';
import { ErrorResponse } from '../schemas.ts';

const ERROR_TEXT: Record<number, string> = {
  400: 'bad input (FW_API_VALIDATION, FW_API_BAD_JSON, or a core FW_ERR_CONFIG/CATALOG code); `field` names where',
  401: 'no or unknown bearer token (FW_API_UNAUTHORIZED)',
  403: 'the token may not make this call (FW_API_FORBIDDEN: operator role needed)',
  404: 'no such resource (FW_API_NOT_FOUND)',
  409: 'state conflict (FW_API_CONFLICT, FW_API_ROLLOUT_LOCKED) or missing configuration (FW_API_NOT_CONFIGURED)',
  413: 'body larger than api.maxBodyBytes (FW_API_TOO_LARGE)',
  415: 'body is not application/json (FW_API_UNSUPPORTED_MEDIA_TYPE)',
};

/** Error responses a route documents, each with the error body schema. */
export function errors(...statuses: number[]): Record<number, ResponseDoc> {
  const out: Record<number, ResponseDoc> = {};
  for (const s of statuses) out[s] = { description: ERROR_TEXT[s] ?? 'error', schema: ErrorResponse };
  return out;
}

/** An operation as the API shows it. */
export function operationView(op: Operation): Operation & { href: string } {
  return { ...op, href: `/api/v1/operations/${op.id}` };
}

/** 202 Accepted with the operation and its Location (a running one when it was not new). */
export function accepted(op: Operation, created: boolean): Reply {
  return {
    status: 202,
    json: operationView(op),
    headers: {
      location: `/api/v1/operations/${op.id}`,
      ...(created ? {} : { 'x-firmwarden-existing': 'true' }),
    },
  };
}
