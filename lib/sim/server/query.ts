/** Query parameters read as apimachinery's conversion reads them (k8s.io/apimachinery pkg/runtime/conversion.go). */
import { badRequest } from '../api/errors.ts';

/**
 * A boolean parameter (Convert_Slice_string_To_bool): absent is undefined; present, its first value
 * is false only when it is `0` or `false` in any case, so `watch=True` and a bare `?watch` are true.
 */
export function queryBool(query: URLSearchParams, name: string): boolean | undefined {
  const values = query.getAll(name);
  if (values.length === 0) return undefined;
  const first = values[0]!;
  return !(first === '0' || first.toLowerCase() === 'false');
}

/**
 * An int64 parameter (Convert_Slice_string_To_int64): absent is undefined; a first value that
 * strconv.ParseInt refuses is the real 400, which carries Go's error text.
 */
export function queryInt64(query: URLSearchParams, name: string): number | undefined {
  const first = query.getAll(name)[0];
  if (first === undefined) return undefined;
  if (!/^[+-]?\d+$/.test(first))
    throw badRequest(`strconv.ParseInt: parsing ${JSON.stringify(first)}: invalid syntax`);
  const value = BigInt(first);
  if (value > 2n ** 63n - 1n || value < -(2n ** 63n)) {
    throw badRequest(`strconv.ParseInt: parsing ${JSON.stringify(first)}: value out of range`);
  }
  return Number(value);
}
