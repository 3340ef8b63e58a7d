/**
 * Redfish error bodies the simulator answers with (DSP0266 §9.6 "Error responses", messages from
 * the DMTF Base registry DSP8011). Each vendor profile picks a message style: the registry version,
 * whether `error.code` names the message (bmcweb) or Base.GeneralError (iDRAC, iLO), and which
 * severity property it writes (Severity before Message 1.1, MessageSeverity after, or both).
 */

/** How a vendor writes its Redfish messages. */
export interface MessageStyle {
  /** Registry prefix of Base messages, e.g. "Base.1.12". */
  base: string;
  /** `error.code`: the first message's id (bmcweb) or `<base>.GeneralError` (iDRAC, iLO, XCC). */
  code: 'specific' | 'general';
  severity: 'Severity' | 'MessageSeverity' | 'both';
}

/** A message as a service writes it into @Message.ExtendedInfo. */
export interface SimMessage {
  MessageId: string;
  Message: string;
  MessageArgs: string[];
  Severity: 'OK' | 'Warning' | 'Critical';
  Resolution: string;
}

interface BaseEntry {
  status: number;
  severity: SimMessage['Severity'];
  message: string;
  resolution: string;
}

/** The Base registry messages the simulator uses; %1, %2 are replaced by the arguments. */
const BASE = {
  GeneralError: {
    status: 500,
    severity: 'Critical',
    message: 'A general error has occurred.  See Resolution for information on how to resolve the error.',
    resolution: 'None.',
  },
  InternalError: {
    status: 500,
    severity: 'Critical',
    message: 'The request failed due to an internal service error.  The service is still operational.',
    resolution: 'Resubmit the request.  If the problem persists, consider resetting the service.',
  },
  ServiceTemporarilyUnavailable: {
    status: 503,
    severity: 'Critical',
    message: 'The service is temporarily unavailable.  Retry in %1 seconds.',
    resolution: 'Wait for the indicated retry duration and retry the operation.',
  },
  NoValidSession: {
    status: 401,
    severity: 'Critical',
    message: 'There is no valid session established with the implementation.',
    resolution: 'Establish a session before attempting any operations.',
  },
  ResourceAtUriUnauthorized: {
    status: 401,
    severity: 'Critical',
    message: "While accessing the resource at '%1', the service received an authorization error '%2'.",
    resolution:
      'Ensure that the appropriate access is provided for the service in order for it to access the URI.',
  },
  SessionLimitExceeded: {
    status: 503,
    severity: 'Critical',
    message:
      'The session establishment failed due to the number of simultaneous sessions exceeding the limit of the implementation.',
    resolution:
      'Reduce the number of other sessions before trying to establish the session or increase the limit of simultaneous sessions (if supported).',
  },
  ResourceMissingAtURI: {
    status: 404,
    severity: 'Critical',
    message: "The resource at the URI '%1' was not found.",
    resolution: 'Place a valid resource at the URI or correct the URI and resubmit the request.',
  },
  ResourceNotFound: {
    status: 404,
    severity: 'Critical',
    message: "The requested resource of type '%1' named '%2' was not found.",
    resolution: 'Provide a valid resource identifier and resubmit the request.',
  },
  OperationNotAllowed: {
    status: 405,
    severity: 'Critical',
    message: 'The HTTP method is not allowed on this resource.',
    resolution: 'None.',
  },
  ActionNotSupported: {
    status: 501,
    severity: 'Critical',
    message: "The action '%1' is not supported by the resource.",
    resolution:
      'The action supplied cannot be resubmitted to the implementation.  Perhaps the action was invalid, the wrong resource was the target or the implementation documentation may be of assistance.',
  },
  MalformedJSON: {
    status: 400,
    severity: 'Critical',
    message:
      'The request body submitted was malformed JSON and could not be parsed by the receiving service.',
    resolution: 'Ensure that the request body is valid JSON and resubmit the request.',
  },
  PropertyMissing: {
    status: 400,
    severity: 'Warning',
    message: "The property '%1' is a required property and must be included in the request.",
    resolution:
      'Ensure that the property is in the request body and has a valid value and resubmit the request if the operation failed.',
  },
  ActionParameterMissing: {
    status: 400,
    severity: 'Critical',
    message: 'The action %1 requires the parameter %2 to be present in the request body.',
    resolution:
      'Supply the action with the required parameter in the request body when the request is resubmitted.',
  },
  ActionParameterUnknown: {
    status: 400,
    severity: 'Warning',
    message: 'The action %1 was submitted with the invalid parameter %2.',
    resolution: 'Correct the invalid parameter and resubmit the request if the operation failed.',
  },
  ActionParameterNotSupported: {
    status: 400,
    severity: 'Warning',
    message: 'The parameter %1 for the action %2 is not supported on the target resource.',
    resolution: 'Remove the parameter supplied and resubmit the request if the operation failed.',
  },
  ActionParameterValueNotInList: {
    status: 400,
    severity: 'Warning',
    message: "The value '%1' for the parameter %2 in the action %3 is not in the list of acceptable values.",
    resolution:
      'Choose a value from the enumeration list that the implementation can support and resubmit the request if the operation failed.',
  },
  ActionParameterValueTypeError: {
    status: 400,
    severity: 'Warning',
    message:
      "The value '%1' for the parameter %2 in the action %3 is of a different type than the parameter can accept.",
    resolution:
      'Correct the value for the parameter in the request body and resubmit the request if the operation failed.',
  },
  ActionParameterValueFormatError: {
    status: 400,
    severity: 'Warning',
    message:
      "The value '%1' for the parameter %2 in the action %3 is of a different format than the parameter can accept.",
    resolution:
      'Correct the value for the parameter in the request body and resubmit the request if the operation failed.',
  },
  ActionParameterValueError: {
    status: 400,
    severity: 'Warning',
    message: 'The value for the parameter %1 in the action %2 is invalid.',
    resolution:
      'Correct the value for the parameter in the request body and resubmit the request if the operation failed.',
  },
  PropertyValueNotInList: {
    status: 400,
    severity: 'Warning',
    message: "The value '%1' for the property %2 is not in the list of acceptable values.",
    resolution:
      'Choose a value from the enumeration list that the implementation can support and resubmit the request if the operation failed.',
  },
  PropertyValueTypeError: {
    status: 400,
    severity: 'Warning',
    message: "The value '%1' for the property %2 is not a type that the property can accept.",
    resolution:
      'Correct the value for the property in the request body and resubmit the request if the operation failed.',
  },
  PropertyValueFormatError: {
    status: 400,
    severity: 'Warning',
    message: "The value '%1' for the property %2 is not a format that the property can accept.",
    resolution:
      'Correct the value for the property in the request body and resubmit the request if the operation failed.',
  },
  PropertyValueOutOfRange: {
    status: 400,
    severity: 'Warning',
    message: "The value '%1' for the property %2 is not in the supported range of acceptable values.",
    resolution:
      'Correct the value for the property in the request body and resubmit the request if the operation failed.',
  },
  PropertyUnknown: {
    status: 400,
    severity: 'Warning',
    message: 'The property %1 is not in the list of valid properties for the resource.',
    resolution:
      'Remove the unknown property from the request body and resubmit the request if the operation failed.',
  },
  PropertyValueConflict: {
    status: 400,
    severity: 'Warning',
    message:
      "The property '%1' could not be written because its value would conflict with the value of the '%2' property.",
    resolution: 'No resolution is required.',
  },
  ResourceInUse: {
    status: 409,
    severity: 'Warning',
    message: 'The change to the requested resource failed because the resource is in use or in transition.',
    resolution: 'Remove the condition and resubmit the request if the operation failed.',
  },
  UnrecognizedRequestBody: {
    status: 400,
    severity: 'Critical',
    message: 'The service detected a malformed request body that it was unable to interpret.',
    resolution: 'Correct the request body and resubmit the request if it failed.',
  },
  CouldNotEstablishConnection: {
    status: 404,
    severity: 'Critical',
    message: "The service failed to establish a connection with the URI '%1'.",
    resolution:
      'Ensure that the URI contains a valid and reachable node name, protocol information and other URI components.',
  },
  ResourceCannotBeDeleted: {
    status: 405,
    severity: 'Critical',
    message: 'The delete request failed because the resource requested cannot be deleted.',
    resolution: 'Do not attempt to delete a non-deletable resource.',
  },
  Created: {
    status: 201,
    severity: 'OK',
    message: 'The resource was created successfully.',
    resolution: 'None.',
  },
  PreconditionFailed: {
    status: 412,
    severity: 'Critical',
    message: 'The ETag supplied did not match the ETag required to change this resource.',
    resolution: 'Try the operation again using the appropriate ETag.',
  },
  QueryParameterUnsupported: {
    status: 501,
    severity: 'Warning',
    message: "Query parameter '%1' is not supported.",
    resolution: 'Correct or remove the query parameter and resubmit the request.',
  },
  QueryParameterValueFormatError: {
    status: 400,
    severity: 'Warning',
    message: "The value '%1' for the parameter %2 is of a different format than the parameter can accept.",
    resolution:
      'Correct the value for the query parameter in the request and resubmit the request if the operation failed.',
  },
  Success: {
    status: 200,
    severity: 'OK',
    message: 'The request completed successfully.',
    resolution: 'None.',
  },
} as const satisfies Record<string, BaseEntry>;

export type BaseMessageKey = keyof typeof BASE;

/** Builds one Base registry message with its arguments filled in. */
export function baseMessage(style: MessageStyle, key: BaseMessageKey, args: string[] = []): SimMessage {
  const entry: BaseEntry = BASE[key];
  return {
    MessageId: `${style.base}.${key}`,
    Message: entry.message.replace(/%(\d)/g, (_, n: string) => args[Number(n) - 1] ?? ''),
    MessageArgs: args,
    Severity: entry.severity,
    Resolution: entry.resolution,
  };
}

/** The HTTP status the Base registry suggests for a message. */
export function baseStatus(key: BaseMessageKey): number {
  return BASE[key].status;
}

/** Writes messages the way the vendor does (severity property names, odata.type). */
export function renderMessage(style: MessageStyle, m: SimMessage): Record<string, unknown> {
  const out: Record<string, unknown> = {
    '@odata.type': '#Message.v1_1_1.Message',
    MessageId: m.MessageId,
    Message: m.Message,
    MessageArgs: m.MessageArgs,
    Resolution: m.Resolution,
  };
  if (style.severity !== 'MessageSeverity') out['Severity'] = m.Severity;
  if (style.severity !== 'Severity') out['MessageSeverity'] = m.Severity;
  return out;
}

/** The `{"error": {...}}` body of an error response. */
export function errorBody(style: MessageStyle, messages: SimMessage[]): Record<string, unknown> {
  const first = messages[0];
  const specific = style.code === 'specific' && messages.length === 1 && first !== undefined;
  const general = baseMessage(style, 'GeneralError');
  return {
    error: {
      code: specific ? first.MessageId : general.MessageId,
      message: specific ? first.Message : general.Message,
      '@Message.ExtendedInfo': messages.map((m) => renderMessage(style, m)),
    },
  };
}

/** Thrown by route handlers to answer with a Redfish error; the pipeline turns it into a response. */
export class SimHttpError extends Error {
  readonly status: number;
  readonly messages: SimMessage[];
  readonly headers: Record<string, string>;
  constructor(status: number, messages: SimMessage[], headers: Record<string, string> = {}) {
    super(messages[0]?.Message ?? `http ${status}`);
    this.name = 'SimHttpError';
    this.status = status;
    this.messages = messages;
    this.headers = headers;
  }
}

/** Shorthand: a SimHttpError carrying one Base message at its suggested status (or `status`). */
export function baseError(
  style: MessageStyle,
  key: BaseMessageKey,
  args: string[] = [],
  status?: number,
): SimHttpError {
  return new SimHttpError(status ?? baseStatus(key), [baseMessage(style, key, args)]);
}
