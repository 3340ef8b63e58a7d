/**
 * Errors of the DCIM importers. One class with a stable code per way an import fails (cannot
 * connect, refused the token, answered an error, answered something that is not the NetBox API),
 * carrying the URL asked (never the token) and the HTTP status when there was one.
 */
import { FirmwardenError } from '../errors.ts';

export const DcimErrorCode = {
  /** No HTTP answer: refused, reset, timed out, TLS. */
  connect: 'FW_ERR_NETBOX_CONNECT',
  /** 401/403: the token is wrong, expired, or lacks dcim.view_device. */
  auth: 'FW_ERR_NETBOX_AUTH',
  /** Any other non-2xx answer (400 for a bad filter value, 5xx). */
  http: 'FW_ERR_NETBOX_HTTP',
  /** A 2xx answer that is not NetBox's paginated JSON (an HTML login page, a proxy's page). */
  response: 'FW_ERR_NETBOX_RESPONSE',
} as const;
export type DcimErrorCode = (typeof DcimErrorCode)[keyof typeof DcimErrorCode];

/** NetBox could not be read. `url` never carries the token (it travels in a header only). */
export class NetboxError extends FirmwardenError {
  readonly url: string;
  readonly status: number | undefined;
  constructor(
    code: DcimErrorCode,
    url: string,
    message: string,
    options?: { status?: number; cause?: unknown },
  ) {
    super(code, `[GET] "${url}": ${message}`, options?.cause !== undefined ? { cause: options.cause } : {});
    this.name = 'NetboxError';
    this.url = url;
    this.status = options?.status;
  }
}
