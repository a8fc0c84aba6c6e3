/**
 * PATCH bodies by content type. JSON patch (RFC 6902) comes from fast-json-patch; merge patch
 * (RFC 7386) and strategic merge patch are applied here because they are Kubernetes-shaped.
 * Server-side apply lives in ./apply.ts.
 */
import fastJsonPatch from 'fast-json-patch';
import { badRequest, invalid, StatusError, unsupportedMediaType } from './errors.ts';
import { strategicMergePatch } from './strategic.ts';
import { clone, isPlainObject, type KObject } from './types.ts';

const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
] as const;

export type PatchType = (typeof PATCH_TYPES)[number];

export function patchTypeOf(contentType: string | undefined, strategicAllowed: boolean): PatchType {
  const base = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const accepted = PATCH_TYPES.filter(
    (t) => strategicAllowed || t !== 'application/strategic-merge-patch+json',
  );
  if (base === 'application/apply-patch+cbor') throw unsupportedMediaType([...accepted]);
  if (!(accepted as readonly string[]).includes(base)) throw unsupportedMediaType([...accepted]);
  return base as PatchType;
}

/** RFC 7386: objects merge recursively, null removes a key, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return clone(patch);
  const out: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

function jsonPatch(target: unknown, operations: unknown): unknown {
  if (!Array.isArray(operations)) {
    throw badRequest('json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp');
  }
  try {
    const doc = clone(target);
    return fastJsonPatch.applyPatch(doc, operations as fastJsonPatch.Operation[], true, true).newDocument;
  } catch (err) {
    if (err instanceof StatusError) throw err;
    // The real server's generic 422 for a patch that cannot be applied (NewGenericServerResponse
    // without isUnexpectedResponse): empty details, the reason is not told.
    throw new StatusError(
      422,
      'Invalid',
      'the server rejected our request due to an error in our request',
      {},
    );
  }
}

/** 422 for `force` on a patch that is not an apply, as ValidatePatchOptions answers. */
export function forbiddenForce(): StatusError {
  return invalid('PatchOptions', 'meta.k8s.io', '', [
    { type: 'FieldValueForbidden', field: 'force', detail: 'may not be specified for non-apply patch' },
  ]);
}

/** The object a JSON, merge or strategic merge patch turns `current` into; it must stay an object. */
export function patchObject(
  type: Exclude<PatchType, 'application/apply-patch+yaml'>,
  current: KObject,
  body: unknown,
): KObject {
  let patched: unknown;
  if (type === 'application/json-patch+json') patched = jsonPatch(current, body);
  else if (type === 'application/merge-patch+json') patched = mergePatch(current, body);
  else patched = strategicMergePatch(current, body);
  if (!isPlainObject(patched) || !isPlainObject(patched.metadata)) {
    throw badRequest('the patch removed the object metadata');
  }
  return patched as KObject;
}
