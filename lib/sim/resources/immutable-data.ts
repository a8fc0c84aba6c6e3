/**
 * ConfigMaps and Secrets marked `immutable: true` keep their data and the mark for good
 * (ValidateConfigMapUpdate / ValidateSecretUpdate in pkg/apis/core/validation): changing either is
 * a 422 `data: Forbidden: field is immutable when \`immutable\` is set`.
 */
import type { FieldError } from '../api/errors.ts';
import { canonicalJson, type KObject } from '../api/types.ts';

const IMMUTABLE = 'field is immutable when `immutable` is set';

export function immutableDataErrors(obj: KObject, old: KObject, fields: readonly string[]): FieldError[] {
  if (old.immutable !== true) return [];
  const errors: FieldError[] = [];
  if (obj.immutable !== true)
    errors.push({ type: 'FieldValueForbidden', field: 'immutable', detail: IMMUTABLE });
  for (const field of fields) {
    if (canonicalJson(obj[field] ?? null) !== canonicalJson(old[field] ?? null)) {
      errors.push({ type: 'FieldValueForbidden', field, detail: IMMUTABLE });
    }
  }
  return errors;
}
