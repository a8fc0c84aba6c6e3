/**
 * Server-side apply converts the applied configuration to a typed value before merging it, so a field
 * its schema does not declare fails the request whatever `fieldValidation` says, with
 * structured-merge-diff's text and, in Kubernetes v1.36, an HTTP 500 without a reason:
 * `failed to create typed patch object (default/web; /v1, Kind=Pod): .spec.restartPolicyy: field not
 * declared in schema` (apimachinery pkg/util/managedfields/internal/structuredmerge.go; kubernetes
 * issues #122480 and #139253 record the 500). Quantities are then decoded as in any write, and a
 * malformed one is also a 500: `failed to convert new object (/q1; /v1, Kind=ResourceQuota) to proper
 * version: unable to convert unstructured object to /v1, Kind=ResourceQuota: quantities must match …`.
 */
import { StatusError } from '../errors.ts';
import { QuantityError } from '../quantity.ts';
import type { ResourceType } from '../resource.ts';
import type { KObject } from '../types.ts';
import { applyFieldPath, checkBuiltIn } from './builtin-schema.ts';
import { canonicaliseQuantities } from './field-validation.ts';

export function checkAppliedFields(
  rt: ResourceType,
  config: KObject,
  namespace: string | undefined,
  name: string,
): void {
  let path: string | undefined;
  let findings: ReturnType<typeof checkBuiltIn>;
  if (rt.unknownFields) {
    const unknown = rt.unknownFields(config);
    if (unknown.length > 0) path = `.${unknown[0]}`;
  } else {
    findings = checkBuiltIn(rt.group, rt.version, rt.kind, config);
    const first = findings?.unknown[0];
    if (first) path = applyFieldPath(rt.group, rt.version, rt.kind, config, first);
  }
  const gvk = `${rt.group}/${rt.version}, Kind=${rt.kind}`;
  if (path === undefined) {
    try {
      if (findings) canonicaliseQuantities(config, findings.quantities);
    } catch (err) {
      if (!(err instanceof QuantityError)) throw err;
      throw new StatusError(
        500,
        '',
        `failed to convert new object (/${name}; ${gvk}) to proper version: unable to convert unstructured object to ${gvk}: ${err.message}`,
      );
    }
    return;
  }
  throw new StatusError(
    500,
    '',
    `failed to create typed patch object (${rt.namespaced ? (namespace ?? '') : ''}/${name}; ${gvk}): ${path}: field not declared in schema`,
  );
}
