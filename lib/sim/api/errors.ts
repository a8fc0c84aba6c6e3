/**
 * metav1.Status errors with the codes, reasons, messages and details shapes of the real API server
 * (apimachinery pkg/api/errors). Everything the simulator refuses is one of these.
 */

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** A group and plural resource, as error messages name them (`pods`, `deployments.apps`). */
export interface GroupResource {
  group: string;
  resource: string;
}

export function qualifiedResource(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

function detailsFor(gr: GroupResource, name: string): StatusDetails {
  const details: StatusDetails = { name, kind: gr.resource };
  if (gr.group) details.group = gr.group;
  return details;
}

export class StatusError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly details: StatusDetails | undefined;

  constructor(code: number, reason: string, message: string, details?: StatusDetails) {
    super(message);
    this.name = 'StatusError';
    this.code = code;
    this.reason = reason;
    this.details = details;
  }

  toStatus(): Status {
    const status: Status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    // An error the server does not classify (a plain Go error) carries no reason at all.
    if (!this.reason) delete status.reason;
    if (this.details) status.details = this.details;
    return status;
  }
}

export function isStatusError(err: unknown): err is StatusError {
  return err instanceof StatusError;
}

export const notFound = (gr: GroupResource, name: string) =>
  new StatusError(404, 'NotFound', `${qualifiedResource(gr)} "${name}" not found`, detailsFor(gr, name));

export const alreadyExists = (gr: GroupResource, name: string) =>
  new StatusError(
    409,
    'AlreadyExists',
    `${qualifiedResource(gr)} "${name}" already exists`,
    detailsFor(gr, name),
  );

export const conflict = (gr: GroupResource, name: string, why: string) =>
  new StatusError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(gr)} "${name}": ${why}`,
    detailsFor(gr, name),
  );

export const OPTIMISTIC_LOCK_MESSAGE =
  'the object has been modified; please apply your changes to the latest version and try again';

/** One field error, as field.Error renders them: `spec.containers: Required value`. */
export interface FieldError {
  type: FieldErrorType;
  field: string;
  detail?: string;
  value?: unknown;
}

export type FieldErrorType =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueDuplicate'
  | 'FieldValueTooLong'
  | 'FieldValueTypeInvalid';

const FIELD_ERROR_TEXT: Record<FieldErrorType, string> = {
  FieldValueRequired: 'Required value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueTooLong: 'Too long',
  FieldValueTypeInvalid: 'Invalid value',
};

function fieldErrorMessage(e: FieldError): string {
  const head = FIELD_ERROR_TEXT[e.type];
  let body: string;
  if (e.type === 'FieldValueRequired' || e.type === 'FieldValueForbidden') {
    body = e.detail ? `${head}: ${e.detail}` : head;
  } else {
    const value = e.value === undefined ? '' : `: ${JSON.stringify(e.value)}`;
    body = `${head}${value}${e.detail ? `: ${e.detail}` : ''}`;
  }
  return body;
}

/** 422 Invalid: `Pod "web-0" is invalid: spec.containers: Required value` (`Deployment.apps "web"…` for groups). */
export function invalid(kind: string, group: string, name: string, errors: FieldError[]): StatusError {
  // field.ErrorList.ToAggregate keeps one of each distinct text (the causes keep them all).
  const rendered = [...new Set(errors.map((e) => `${e.field}: ${fieldErrorMessage(e)}`))];
  const list = rendered.length === 1 ? rendered[0] : `[${rendered.join(', ')}]`;
  const details: StatusDetails = {
    causes: errors.map((e) => ({ reason: e.type, message: fieldErrorMessage(e), field: e.field })),
  };
  // StatusDetails.name and .kind are omitempty: options errors (ListOptions, DeleteOptions…) carry no
  // name, access reviews neither name nor kind (`.authorization.k8s.io "" is invalid`).
  if (name) details.name = name;
  if (kind) details.kind = kind;
  if (group) details.group = group;
  const qualifiedKind = group ? `${kind}.${group}` : kind;
  return new StatusError(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${list}`, details);
}

export const badRequest = (message: string) => new StatusError(400, 'BadRequest', message);

export const unauthorized = () => new StatusError(401, 'Unauthorized', 'Unauthorized');

export const forbidden = (gr: GroupResource, name: string, why: string, causes?: StatusCause[]) => {
  const details = detailsFor(gr, name);
  if (causes) details.causes = causes;
  return new StatusError(
    403,
    'Forbidden',
    `${qualifiedResource(gr)} "${name}" is forbidden: ${why}`,
    details,
  );
};

export const methodNotAllowed = (
  message = 'the server does not allow this method on the requested resource',
) => new StatusError(405, 'MethodNotAllowed', message);

/** Like the real server's NotFound handler (NewNotFound of an empty resource), with empty `details`: kubectl debug reads them. */
export const pathNotFound = () =>
  new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});

export const unsupportedMediaType = (accepted: string[]) =>
  new StatusError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
    {},
  );

export const requestEntityTooLarge = (limitBytes: number) =>
  new StatusError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limitBytes}`);

export const tooManyRequests = (message: string, retryAfterSeconds: number, causes?: StatusCause[]) => {
  const details: StatusDetails = { retryAfterSeconds };
  if (causes) details.causes = causes;
  return new StatusError(429, 'TooManyRequests', message, details);
};

export const expired = (message: string) => new StatusError(410, 'Expired', message);

export const internalError = (message: string) =>
  new StatusError(500, 'InternalError', `Internal error occurred: ${message}`);

export const serviceUnavailable = (message: string) => new StatusError(503, 'ServiceUnavailable', message);
