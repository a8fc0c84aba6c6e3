/**
 * The options of a write as ValidateCreateOptions, ValidateUpdateOptions and ValidatePatchOptions
 * check them (apimachinery pkg/apis/meta/v1/validation), before the body is read: a fieldManager over
 * 128 bytes or holding an unprintable character, or a dryRun other than `All`, is a 422 on the
 * options kind (`CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: …`).
 */
import { type FieldError, invalid } from '../api/errors.ts';

export type WriteOptionsKind = 'CreateOptions' | 'UpdateOptions' | 'PatchOptions' | 'DeleteOptions';

const FIELD_MANAGER_MAX_BYTES = 128;
/** Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

export function fieldManagerErrors(manager: string | null | undefined): FieldError[] {
  if (!manager) return [];
  const errors: FieldError[] = [];
  if (Buffer.byteLength(manager) > FIELD_MANAGER_MAX_BYTES) {
    errors.push({
      type: 'FieldValueTooLong',
      field: 'fieldManager',
      detail: `may not be more than ${FIELD_MANAGER_MAX_BYTES} bytes`,
    });
  }
  let position = 0;
  for (const ch of manager) {
    if (!PRINTABLE.test(ch)) {
      const code = ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
      errors.push({
        type: 'FieldValueInvalid',
        field: 'fieldManager',
        value: manager,
        detail: `invalid character U+${code} (at position ${position})`,
      });
    }
    position += Buffer.byteLength(ch);
  }
  return errors;
}

/** ValidateDryRun: every value must be `All`. */
export function dryRunErrors(values: readonly string[]): FieldError[] {
  if (values.every((v) => v === 'All')) return [];
  return [
    { type: 'FieldValueNotSupported', field: 'dryRun', value: values, detail: 'supported values: "All"' },
  ];
}

/** Checks a write's query options; answers whether it is a dry run. */
export function checkWriteOptions(query: URLSearchParams, kind: WriteOptionsKind): { dryRun: boolean } {
  const dryRun = query.getAll('dryRun');
  const errors = [...fieldManagerErrors(query.get('fieldManager')), ...dryRunErrors(dryRun)];
  if (errors.length > 0) throw invalid(kind, 'meta.k8s.io', '', errors);
  return { dryRun: dryRun.length > 0 };
}
