/**
 * List and watch options as the real server reads them: resourceVersion and resourceVersionMatch
 * validation (apimachinery pkg/apis/meta/internalversion/validation), continue tokens in the real
 * format (apiserver pkg/storage/continue.go: base64url JSON `{"v","rv","start"}`), and the
 * errors for versions the store cannot serve.
 */
import { badRequest, invalid, StatusError } from './errors.ts';

interface ListOptionFields {
  resourceVersion?: string;
  resourceVersionMatch?: string;
  continue?: string;
  sendInitialEvents?: boolean;
}

/** ValidateListOptions for a list (not a watch): 422 on the ListOptions kind, as the real server. */
export function validateListOptions(options: ListOptionFields): void {
  const match = options.resourceVersionMatch;
  const errors: Parameters<typeof invalid>[3] = [];
  const forbid = (field: string, detail: string) =>
    errors.push({ type: 'FieldValueForbidden', field, detail });
  if (match) {
    if (!options.resourceVersion)
      forbid('resourceVersionMatch', 'resourceVersionMatch is forbidden unless resourceVersion is provided');
    if (options.continue)
      forbid('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided');
    if (match !== 'Exact' && match !== 'NotOlderThan') {
      errors.push({
        type: 'FieldValueNotSupported',
        field: 'resourceVersionMatch',
        value: match,
        detail: 'supported values: "Exact", "NotOlderThan", ""',
      });
    }
    if (match === 'Exact' && options.resourceVersion === '0')
      forbid('resourceVersionMatch', 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"');
  }
  if (options.sendInitialEvents !== undefined)
    forbid('sendInitialEvents', 'sendInitialEvents is forbidden for list');
  if (errors.length > 0) throw invalid('ListOptions', 'meta.k8s.io', '', errors);
}

/** A resourceVersion parameter as a number; anything else is the client's error (400). */
/**
 * A resourceVersion as the storage layer parses it (strconv.ParseUint). A list answers a bad one with
 * 400; a watch with the bare 500 the watch path gives (no reason), as kube-apiserver v1.36 does.
 */
export function parseResourceVersion(value: string, forWatch = false): number {
  if (!/^\d+$/.test(value)) {
    const why = `resourceVersion: Invalid value: ${JSON.stringify(value)}: strconv.ParseUint: parsing ${JSON.stringify(value)}: invalid syntax`;
    if (forWatch) throw new StatusError(500, '', why);
    throw badRequest(`invalid resource version: ${why}`);
  }
  return Number(value);
}

/** 504 for a version the store has not reached (apiserver storage.NewTooLargeResourceVersionError). */
export function tooLargeResourceVersion(requested: number, current: number): StatusError {
  return new StatusError(
    504,
    'Timeout',
    `Timeout: Too large resource version: ${requested}, current: ${current}`,
    {
      causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
      retryAfterSeconds: 1,
    },
  );
}

/** How long a list or watch-list waits for a future resourceVersion (the watch cache's blockTimeout). */
export const RESOURCE_VERSION_WAIT_MS = 3000;

export function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start })).toString('base64url');
}

/** The snapshot version and start key of a continue token; a malformed one is 400 with the real text. */
export function decodeContinue(token: string): { rv: number; start: string } {
  const refuse = (why: string) => badRequest(`invalid continue token: ${why}`);
  if (!/^[A-Za-z0-9_-]*$/.test(token)) throw refuse('continue key is not valid: illegal base64 data');
  let parsed: { v?: unknown; rv?: unknown; start?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch (err) {
    throw refuse(`continue key is not valid: ${(err as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || parsed.v !== 'meta.k8s.io/v1') {
    throw refuse(
      `continue key is not valid: server does not recognize this encoded version ${String(parsed?.v ?? '')}`,
    );
  }
  if (typeof parsed.rv !== 'number' || !Number.isInteger(parsed.rv) || parsed.rv <= 0) {
    throw refuse(
      'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
    );
  }
  if (typeof parsed.start !== 'string' || parsed.start === '') {
    throw refuse('continue key is not valid: encoded start key empty (version meta.k8s.io/v1)');
  }
  return { rv: parsed.rv, start: parsed.start };
}
