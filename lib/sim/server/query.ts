/** Query parameters read as apimachinery's conversion reads them (k8s.io/apimachinery pkg/runtime/conversion.go). */

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
