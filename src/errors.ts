/**
 * firmwarden's error hierarchy. Every error carries a stable `code` (tests and callers branch on
 * it, never on message text) and may wrap a `cause`. Messages are lowercase and name the server,
 * URI or file that failed. Shape follows undici's lib/core/errors.js.
 */

/** Base class of every error firmwarden throws on purpose. */
export class FirmwardenError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FirmwardenError';
    this.code = code;
  }
}

/** One entry of a Redfish `@Message.ExtendedInfo` array (Message schema, DSP0266 §9.6). */
export interface RedfishMessage {
  MessageId?: string;
  Message?: string;
  Severity?: string;
  MessageSeverity?: string;
  Resolution?: string;
  MessageArgs?: unknown[];
  RelatedProperties?: string[];
}

/** A Redfish service answered with an HTTP error status. */
export class RedfishHttpError extends FirmwardenError {
  readonly method: string;
  readonly uri: string;
  readonly status: number;
  readonly messages: RedfishMessage[];
  readonly retryAfterMs: number | undefined;
  constructor(args: {
    method: string;
    uri: string;
    status: number;
    messages?: RedfishMessage[];
    retryAfterMs?: number;
    cause?: unknown;
  }) {
    const messages = args.messages ?? [];
    const detail = messages
      .map((m) => [shortMessageId(m.MessageId), m.MessageArgs?.join(',')].filter(Boolean).join(' '))
      .filter(Boolean)
      .join('; ');
    super(
      args.status === 401 ? 'FW_ERR_AUTH' : 'FW_ERR_HTTP',
      `[${args.method}] "${args.uri}": ${args.status}${detail ? ` ${detail}` : ''}`,
      { cause: args.cause },
    );
    this.name = 'RedfishHttpError';
    this.method = args.method;
    this.uri = args.uri;
    this.status = args.status;
    this.messages = messages;
    this.retryAfterMs = args.retryAfterMs;
  }
}

/** "Base.1.8.PropertyMissing" → "PropertyMissing": the registry prefix is noise in a message. */
function shortMessageId(id: string | undefined): string | undefined {
  return id?.split('.').pop();
}

/**
 * Node appends advice of its own to a certificate error ("try running Node.js with
 * --use-system-ca"): a Node flag is no answer for a firmwarden user, whose BMCs mostly carry
 * self-signed certificates. It is replaced by the settings firmwarden has.
 */
const NODE_TLS_ADVICE =
  /[;.]?\s*if the root CA is installed locally, try running Node\.js with --use-system-ca\.?/i;
/** OpenSSL/Node codes of a certificate that did not verify (as opposed to a handshake failure). */
const CERT_NOT_VERIFIED =
  /UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|SELF_SIGNED|CERT_UNTRUSTED|CERT_SIGNATURE_FAILURE|CERT_HAS_EXPIRED|CERT_NOT_YET_VALID|ERR_TLS_CERT_ALTNAME_INVALID/;

/** What to do about a BMC certificate that did not verify, in firmwarden's own options. */
export const TLS_VERIFY_ADVICE =
  "trust the BMC's CA (--ca FILE, or tls.ca in the fleet file) or pin its certificate " +
  '(--fingerprint SHA256, or tls.fingerprint); in a lab only, --insecure (tls.insecure)';

/** A TLS failure reason with Node's advice replaced by firmwarden's, when a certificate was at fault. */
function tlsReason(reason: string): string {
  const plain = reason.replace(NODE_TLS_ADVICE, '');
  return CERT_NOT_VERIFIED.test(plain) ? `${plain}: ${TLS_VERIFY_ADVICE}` : plain;
}

/** The connection to a BMC failed (refused, reset, timed out, TLS) before an HTTP answer. */
export class RedfishConnectionError extends FirmwardenError {
  readonly method: string;
  readonly uri: string;
  constructor(code: string, method: string, uri: string, reason: string, options?: { cause?: unknown }) {
    super(code, `[${method}] "${uri}": ${code === 'FW_ERR_TLS' ? tlsReason(reason) : reason}`, options);
    this.name = 'RedfishConnectionError';
    this.method = method;
    this.uri = uri;
  }
}

/** A Redfish response did not have the shape the schema requires. */
export class RedfishResponseError extends FirmwardenError {
  readonly uri: string;
  constructor(uri: string, message: string, options?: { cause?: unknown }) {
    super('FW_ERR_BAD_RESPONSE', `"${uri}": ${message}`, options);
    this.name = 'RedfishResponseError';
    this.uri = uri;
  }
}

/** The BMC does not offer what was asked of it (method, apply time, resource). */
export class UnsupportedError extends FirmwardenError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('FW_ERR_UNSUPPORTED', message, options);
    this.name = 'UnsupportedError';
  }
}

/** Bad user input: config, fleet file, CLI flags. `source` names the file or flag. */
export class ConfigError extends FirmwardenError {
  readonly source: string;
  constructor(source: string, message: string, options?: { cause?: unknown }) {
    super('FW_ERR_CONFIG', `${source}: ${message}`, options);
    this.name = 'ConfigError';
    this.source = source;
  }
}

/** A catalog (native, Dell XML, HPE JSON) could not be read. `source` names the file. */
export class CatalogError extends FirmwardenError {
  readonly source: string;
  constructor(source: string, message: string, options?: { cause?: unknown; code?: string }) {
    super(options?.code ?? 'FW_ERR_CATALOG', `${source}: ${message}`, options);
    this.name = 'CatalogError';
    this.source = source;
  }
}

/** A Redfish task ended in a failed state (Exception, Killed, Cancelled) or timed out. */
export class TaskFailedError extends FirmwardenError {
  readonly taskUri: string;
  readonly taskState: string | undefined;
  readonly messages: RedfishMessage[];
  constructor(
    taskUri: string,
    taskState: string | undefined,
    message: string,
    messages: RedfishMessage[] = [],
    options?: { cause?: unknown; code?: string },
  ) {
    super(options?.code ?? 'FW_ERR_TASK_FAILED', `task "${taskUri}": ${message}`, options);
    this.name = 'TaskFailedError';
    this.taskUri = taskUri;
    this.taskState = taskState;
    this.messages = messages;
  }
}

/** The process was asked to stop (SIGINT/SIGTERM): work in flight is left for the next run. */
export class InterruptedError extends FirmwardenError {
  readonly signal: string;
  constructor(signal: string) {
    super('FW_ERR_INTERRUPTED', `interrupted by ${signal}: stopped starting new work`);
    this.name = 'InterruptedError';
    this.signal = signal;
  }
}

/** Formats any thrown value for a one-line report. */
export function describeError(err: unknown): string {
  if (err instanceof FirmwardenError) return `${err.code}: ${err.message}`;
  if (err instanceof Error) return err.message;
  return String(err);
}
