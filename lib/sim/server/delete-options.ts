/**
 * DeleteOptions as the real server reads them (apiserver endpoints/handlers/delete.go): from the body
 * when there is one (JSON or protobuf), else from the query; then ValidateDeleteOptions
 * (apimachinery pkg/apis/meta/v1/validation): the deprecated orphanDependents and a
 * propagationPolicy together, an unknown policy, or a dryRun other than `All`, are 422 on
 * DeleteOptions.meta.k8s.io; a gracePeriodSeconds that is not an int64 is 400.
 */
import type { DeleteOptions } from '../api/api.ts';
import { badRequest, type FieldError, invalid } from '../api/errors.ts';
import { queryBool, queryInt64 } from './query.ts';
import { dryRunErrors } from './write-options.ts';

interface DeleteBody {
  gracePeriodSeconds?: number;
  propagationPolicy?: string;
  orphanDependents?: boolean;
  preconditions?: DeleteOptions['preconditions'];
  dryRun?: string[];
}

const POLICIES = ['Foreground', 'Background', 'Orphan'];

export function deleteOptionsFrom(
  query: URLSearchParams,
  body: DeleteBody | null | undefined,
): DeleteOptions {
  const fromQuery = body === undefined;
  const source: DeleteBody = fromQuery
    ? {
        gracePeriodSeconds: queryInt64(query, 'gracePeriodSeconds'),
        propagationPolicy: query.get('propagationPolicy') ?? undefined,
        orphanDependents: queryBool(query, 'orphanDependents'),
        dryRun: query.getAll('dryRun'),
      }
    : (body ?? {}); // a JSON null body decodes to empty options
  if (source.gracePeriodSeconds !== undefined && !Number.isInteger(source.gracePeriodSeconds)) {
    throw badRequest('gracePeriodSeconds must be an integer');
  }
  const errors: FieldError[] = [];
  if (source.orphanDependents !== undefined && source.propagationPolicy !== undefined) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'propagationPolicy',
      value: source.propagationPolicy,
      detail: 'orphanDependents and deletionPropagation cannot be both set',
    });
  }
  if (source.propagationPolicy !== undefined && !POLICIES.includes(source.propagationPolicy)) {
    errors.push({
      type: 'FieldValueNotSupported',
      field: 'propagationPolicy',
      value: source.propagationPolicy,
      detail: 'supported values: "Foreground", "Background", "Orphan", "nil"',
    });
  }
  errors.push(...dryRunErrors(source.dryRun ?? []));
  if (errors.length > 0) throw invalid('DeleteOptions', 'meta.k8s.io', '', errors);
  const policy =
    source.propagationPolicy ??
    (source.orphanDependents === undefined ? undefined : source.orphanDependents ? 'Orphan' : 'Background');
  return {
    gracePeriodSeconds: source.gracePeriodSeconds,
    propagationPolicy: policy as DeleteOptions['propagationPolicy'],
    preconditions: source.preconditions,
    dryRun: (source.dryRun ?? []).includes('All'),
  };
}
