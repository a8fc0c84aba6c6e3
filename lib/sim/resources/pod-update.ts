/**
 * Which changes a pod update may make, as ValidatePodUpdate decides them
 * (k8s.io/kubernetes@v1.36.3 pkg/apis/core/validation/validation.go): container images,
 * activeDeadlineSeconds (set, or lowered), tolerations (only additions; tolerationSeconds may change),
 * scheduling gates (only removals), terminationGracePeriodSeconds from negative to 1 — and nothing else
 * in the spec. The simulator's scheduler sets spec.nodeName through pods/binding, which is no update.
 */
import type { FieldError } from '../api/errors.ts';
import { isDeepStrictEqual } from 'node:util';
import { clone, isPlainObject, type KObject } from '../api/types.ts';

type Obj = Record<string, unknown>;

const UPDATABLE = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

const list = (value: unknown): Obj[] => (Array.isArray(value) ? (value as Obj[]) : []);
const same = (a: unknown, b: unknown) => isDeepStrictEqual(a ?? null, b ?? null);

function containerUpdates(
  next: unknown,
  old: unknown,
  field: string,
): { errors: FieldError[]; stop: boolean } {
  const after = list(next);
  if (after.length !== list(old).length) {
    return {
      errors: [
        { type: 'FieldValueForbidden', field, detail: 'pod updates may not add or remove containers' },
      ],
      stop: true,
    };
  }
  const errors: FieldError[] = [];
  after.forEach((c, i) => {
    if (!c.image) errors.push({ type: 'FieldValueRequired', field: `${field}[${i}].image` });
  });
  return { errors, stop: false };
}

/** A short diff of the changed top-level spec fields, standing in for the real message's cmp diff. */
function specDiff(old: Obj, munged: Obj): string {
  const keys = [...new Set([...Object.keys(old), ...Object.keys(munged)])].sort();
  const lines = ['  core.PodSpec{'];
  for (const key of keys) {
    if (same(old[key], munged[key])) continue;
    if (old[key] !== undefined) lines.push(`- \t${key}: ${JSON.stringify(old[key])},`);
    if (munged[key] !== undefined) lines.push(`+ \t${key}: ${JSON.stringify(munged[key])},`);
  }
  lines.push('  }');
  return lines.join('\n');
}

export function validatePodUpdate(obj: KObject, old: KObject): FieldError[] {
  const spec = (isPlainObject(obj.spec) ? obj.spec : {}) as Obj;
  const before = (isPlainObject(old.spec) ? old.spec : {}) as Obj;
  const errors: FieldError[] = [];
  for (const key of ['containers', 'initContainers']) {
    const result = containerUpdates(spec[key], before[key], `spec.${key}`);
    errors.push(...result.errors);
    if (result.stop) return errors;
  }
  const deadline = spec.activeDeadlineSeconds as number | undefined;
  const oldDeadline = before.activeDeadlineSeconds as number | undefined;
  if (deadline !== undefined && deadline !== null) {
    if (deadline < 0 || deadline > 2147483647) {
      errors.push({
        type: 'FieldValueInvalid',
        field: 'spec.activeDeadlineSeconds',
        value: deadline,
        detail: 'must be between 0 and 2147483647, inclusive',
      });
      return errors;
    }
    if (oldDeadline !== undefined && oldDeadline < deadline) {
      errors.push({
        type: 'FieldValueInvalid',
        field: 'spec.activeDeadlineSeconds',
        value: deadline,
        detail: 'must be less than or equal to previous value',
      });
      return errors;
    }
  } else if (oldDeadline !== undefined) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'spec.activeDeadlineSeconds',
      value: null,
      detail: 'must not update from a positive integer to nil value',
    });
  }
  const tolerations = list(spec.tolerations);
  for (const t of list(before.tolerations)) {
    const matches = (n: Obj) => {
      const { tolerationSeconds: _a, ...before } = t;
      const { tolerationSeconds: _b, ...after } = n;
      return same(before, after);
    };
    if (!tolerations.some(matches)) {
      errors.push({
        type: 'FieldValueForbidden',
        field: 'spec.tolerations',
        detail: 'existing toleration can not be modified except its tolerationSeconds',
      });
      break;
    }
  }
  const gates = list(before.schedulingGates).map((g) => g.name);
  for (const [i, g] of list(spec.schedulingGates).entries()) {
    if (!gates.includes(g.name)) {
      errors.push({
        type: 'FieldValueForbidden',
        field: `spec.schedulingGates[${i}]`,
        detail: `only deletion is allowed, but found new scheduling gate '${String(g.name)}'`,
      });
    }
  }
  if (same(spec, before)) return errors;
  const munged = clone(spec) as Obj;
  for (const key of ['containers', 'initContainers']) {
    list(munged[key]).forEach((c, i) => {
      c.image = list(before[key])[i]?.image;
    });
  }
  munged.activeDeadlineSeconds = before.activeDeadlineSeconds;
  munged.schedulingGates = before.schedulingGates;
  munged.tolerations = before.tolerations;
  if ((before.terminationGracePeriodSeconds as number) < 0 && munged.terminationGracePeriodSeconds === 1) {
    munged.terminationGracePeriodSeconds = before.terminationGracePeriodSeconds;
  }
  // Binding an unscheduled pod sets its node (pods/binding, never this update path on a real server).
  if (!before.nodeName) munged.nodeName = before.nodeName;
  for (const key of Object.keys(munged)) if (munged[key] === undefined) delete munged[key];
  if (!same(munged, before)) {
    errors.push({
      type: 'FieldValueForbidden',
      field: 'spec',
      detail: `pod updates may not change fields other than ${UPDATABLE.join(',')}\n${specDiff(before, munged)}`,
    });
  }
  return errors;
}
