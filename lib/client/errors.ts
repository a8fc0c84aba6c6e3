/**
 * The single error classifier. Every API call and every watch goes through it, so "what do we do
 * about this error" has one answer: transient errors are retried and recorded, a missing object is
 * a state, and everything else fails fast with a message that says what to fix.
 */

/** What the caller should do about an error. */
export type ErrorClass = 'transient' | 'notFound' | 'final';

export interface ClassifiedError {
  class: ErrorClass;
  /** HTTP status, when the server answered. */
  status?: number;
  /** The Status reason (`NotFound`, `Forbidden`, `TooManyRequests`, `Expired`…) or a network code. */
  reason?: string;
  /** One line, safe to print: no credentials. */
  message: string;
  /** For 429/503 with Retry-After: how long the server asked us to wait. */
  retryAfterMs?: number;
  /** For 404: whether the namespace (not the object) is what is missing. */
  missingNamespace?: string;
  /** For 404: whether the resource type itself is not served (CRD not installed, wrong version). */
  unknownResource?: boolean;
}

/** A final API error: retrying will not help; the message says what to fix. */
export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';
  readonly status: number | undefined;
  readonly reason: string | undefined;
  /** What kubexpect was doing, e.g. `get pod default/web-0`. */
  readonly operation: string;
  /** The classification it was raised from ('transient' when retries ran out). */
  readonly classified: ClassifiedError;

  constructor(operation: string, classified: ClassifiedError) {
    super(`${operation} failed: ${classified.message}`);
    this.status = classified.status;
    this.reason = classified.reason;
    this.operation = operation;
    this.classified = classified;
  }
}

/** Transient errors (after retries ran out, or while a wait is still running) are recorded as these. */
export interface RecordedError {
  at: number;
  operation: string;
  error: ClassifiedError;
}

/** A metav1.Status as the API server sends it with an error. */
export interface StatusBody {
  kind?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: {
    name?: string;
    kind?: string;
    group?: string;
    retryAfterSeconds?: number;
    causes?: { reason?: string; message?: string; field?: string }[];
  };
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

/** Removes anything that looks like a credential from text that may reach a message. */
export function redact(text: string): string {
  return text
    .replace(/(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 <redacted>')
    .replace(
      /("?(?:token|password|client-key-data|client-certificate-data)"?\s*[:=]\s*)"?[^\s",}]+"?/gi,
      '$1<redacted>',
    )
    .replace(/\/\/[^/@\s]+:[^/@\s]+@/g, '//<redacted>@');
}

/** The Status in an error's body (client-node gives it as a JSON string), if it holds one. */
export function parseStatus(body: unknown): StatusBody | undefined {
  if (body && typeof body === 'object') return body as StatusBody;
  if (typeof body !== 'string' || body.trim() === '') return undefined;
  try {
    const parsed = JSON.parse(body) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as StatusBody) : undefined;
  } catch {
    return undefined;
  }
}

function headerValue(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  if (typeof (headers as { get?: unknown }).get === 'function') {
    const v = (headers as { get(n: string): unknown }).get(name);
    return typeof v === 'string' ? v : undefined;
  }
  for (const [k, v] of Object.entries(headers as Record<string, unknown>)) {
    if (k.toLowerCase() === name) return Array.isArray(v) ? String(v[0]) : String(v);
  }
  return undefined;
}

function retryAfterMs(headers: unknown, status: StatusBody | undefined): number | undefined {
  const header = headerValue(headers, 'retry-after');
  if (header !== undefined) {
    const seconds = Number(header);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(header);
    if (Number.isFinite(date)) return Math.max(0, date - Date.now());
  }
  const fromBody = status?.details?.retryAfterSeconds;
  return typeof fromBody === 'number' && fromBody >= 0 ? fromBody * 1000 : undefined;
}

function advice(status: number, body: StatusBody | undefined, serverMessage: string): string {
  switch (status) {
    case 400:
      return `the API server rejected the request as malformed (400 ${body?.reason ?? 'BadRequest'}): ${serverMessage}; fix the request or object`;
    case 401:
      return 'the API server did not accept the credentials (401 Unauthorized); refresh the kubeconfig credentials or choose another context';
    case 403:
      return `permission denied (403 Forbidden): ${serverMessage}; grant this verb and resource to the user or service account (RBAC)`;
    case 405:
      return `the API server does not allow this verb here (405 MethodNotAllowed): ${serverMessage}`;
    case 409:
      return `conflict (409 ${body?.reason ?? 'Conflict'}): ${serverMessage}; re-read the object and retry the change`;
    case 413:
      return `the request is too large (413): ${serverMessage}`;
    case 415:
      return `unsupported media type (415): ${serverMessage}`;
    case 422:
      return `the object is invalid (422 Invalid): ${serverMessage}; fix the fields named above`;
    default:
      return `the API server answered ${status}${body?.reason ? ` ${body.reason}` : ''}: ${serverMessage}`;
  }
}

/**
 * Classifies anything an API call or a watch can throw: client-node's ApiException (`.code`,
 * `.body`, `.headers`), a watch's `statusCode` error, a Status object from a watch ERROR event, or a
 * network error. `namespace` is the namespace the operation addressed, used to tell a missing
 * namespace from a missing object.
 */
export function classifyError(err: unknown, namespace?: string): ClassifiedError {
  const e = (err ?? {}) as {
    code?: unknown;
    statusCode?: unknown;
    body?: unknown;
    headers?: unknown;
    message?: unknown;
    name?: unknown;
    errno?: unknown;
    cause?: unknown;
    type?: unknown;
  };
  // A Status object itself (watch ERROR events carry one).
  const asStatus =
    err && typeof err === 'object' && (err as StatusBody).kind === 'Status' ? (err as StatusBody) : undefined;
  const status =
    typeof e.code === 'number' ? e.code : typeof e.statusCode === 'number' ? e.statusCode : asStatus?.code;
  if (typeof status === 'number' && status >= 100) {
    const body = asStatus ?? parseStatus(e.body);
    const serverMessage = redact(
      body?.message ?? (typeof e.message === 'string' ? e.message.split('\n')[0]! : ''),
    );
    const reason = body?.reason;
    if (status === 429 || status >= 500 || status === 408 || status === 410) {
      return {
        class: 'transient',
        status,
        reason: reason ?? (status === 429 ? 'TooManyRequests' : status === 410 ? 'Expired' : undefined),
        message: `${status}${reason ? ` ${reason}` : ''}${serverMessage ? `: ${serverMessage}` : ''}`,
        retryAfterMs: retryAfterMs(e.headers, body),
      };
    }
    if (status === 404) {
      const kind = body?.details?.kind;
      if (kind === 'namespaces' && namespace !== undefined && body?.details?.name === namespace) {
        return {
          class: 'final',
          status,
          reason: 'NotFound',
          missingNamespace: namespace,
          message: `namespace "${namespace}" does not exist; create it first or check the name`,
        };
      }
      if (
        !body?.details?.name &&
        /could not find the requested resource|page not found/i.test(serverMessage)
      ) {
        return {
          class: 'final',
          status,
          reason: 'NotFound',
          unknownResource: true,
          message: `the API server does not serve this resource type (404: ${serverMessage}); is the CRD installed and the apiVersion right?`,
        };
      }
      return { class: 'notFound', status, reason: 'NotFound', message: serverMessage || 'not found' };
    }
    return { class: 'final', status, reason, message: advice(status, body, serverMessage) };
  }
  const code = typeof e.code === 'string' ? e.code : typeof e.errno === 'string' ? e.errno : undefined;
  const causeCode = (e.cause as { code?: unknown } | undefined)?.code;
  const netCode = code ?? (typeof causeCode === 'string' ? causeCode : undefined);
  const message = redact(typeof e.message === 'string' ? e.message.split('\n')[0]! : String(err));
  if (e.name === 'AbortError')
    return { class: 'final', reason: 'Aborted', message: 'the operation was aborted' };
  // client-node 2.x aborts a request (and a watch left without data for 30 s) with a DOMException
  // named TimeoutError: the client gave up waiting, the server did not refuse anything.
  if (e.name === 'TimeoutError')
    return { class: 'transient', reason: 'Timeout', message: `client-side timeout: ${message}` };
  if (
    (netCode && NETWORK_CODES.has(netCode)) ||
    e.type === 'system' ||
    /socket hang up|fetch failed|network|premature close|terminated/i.test(message)
  ) {
    return { class: 'transient', reason: netCode ?? 'NetworkError', message: `network error: ${message}` };
  }
  return { class: 'final', reason: typeof e.name === 'string' ? e.name : undefined, message };
}

/** One line for a recorded error, e.g. `watch pods in default: 503 ServiceUnavailable: …`. */
export function describeRecordedError(r: RecordedError, since?: number): string {
  const when = since === undefined ? '' : ` (at +${((r.at - since) / 1000).toFixed(3)}s)`;
  return `${r.operation}: ${r.error.message}${when}`;
}
