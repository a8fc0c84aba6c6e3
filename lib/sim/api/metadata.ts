/** Validation of object metadata shared by every kind: names, labels, annotations. */
import type { FieldError } from './errors.ts';
import type { ObjectMeta } from './types.ts';

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export const SUBDOMAIN_HINT =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_HINT =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

export function isDnsSubdomain(name: string): boolean {
  return name.length <= 253 && DNS1123_SUBDOMAIN.test(name);
}

const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_HINT =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

/**
 * How a kind's names are checked (the nameFn its ValidateObjectMeta gets): DNS-1123 subdomains for
 * most kinds, DNS-1123 labels for namespaces, DNS-1035 labels for services, path segments for RBAC.
 */
export type NameRule = 'subdomain' | 'label' | 'dns1035' | 'path-segment';

/** The messages of IsDNS1123Subdomain, IsDNS1123Label, IsDNS1035Label and IsPathSegmentName, in their order. */
function nameMessages(name: string, rule: NameRule): string[] {
  const out: string[] = [];
  if (rule === 'path-segment') {
    if (name === '.' || name === '..') return [`may not be '${name}'`];
    for (const ch of ['/', '%']) if (name.includes(ch)) out.push(`may not contain '${ch}'`);
    return out;
  }
  const [max, pattern, hint] =
    rule === 'subdomain'
      ? [253, DNS1123_SUBDOMAIN, SUBDOMAIN_HINT]
      : rule === 'label'
        ? [63, DNS1123_LABEL, LABEL_HINT]
        : [63, DNS1035_LABEL, DNS1035_HINT];
  if (name.length > max) out.push(`must be no more than ${max} characters`);
  if (!pattern.test(name)) out.push(hint);
  return out;
}

/** IsDNS1123Label's messages (container, port and volume names). */
export const dns1123LabelMessages = (name: string): string[] => nameMessages(name, 'label');

function qualifiedNameErrors(key: string, field: string): FieldError[] {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : '';
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const errors: FieldError[] = [];
  if (slash >= 0 && !isDnsSubdomain(prefix)) {
    errors.push({ type: 'FieldValueInvalid', field, value: key, detail: `prefix part ${SUBDOMAIN_HINT}` });
  }
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME.test(name)) {
    errors.push({
      type: 'FieldValueInvalid',
      field,
      value: key,
      detail:
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    });
  }
  return errors;
}

const LABEL_VALUE_HINT =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

/** ValidateLabels: each key a qualified name, each value a label value (IsValidLabelValue's messages). */
export function labelsErrors(labels: Record<string, unknown> | undefined, field: string): FieldError[] {
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(labels ?? {})) {
    errors.push(...qualifiedNameErrors(key, field));
    if (typeof value !== 'string') {
      errors.push({ type: 'FieldValueInvalid', field, value, detail: LABEL_VALUE_HINT });
      continue;
    }
    if (value.length > 63) {
      errors.push({ type: 'FieldValueInvalid', field, value, detail: 'must be no more than 63 characters' });
    }
    if (!LABEL_VALUE.test(value))
      errors.push({ type: 'FieldValueInvalid', field, value, detail: LABEL_VALUE_HINT });
  }
  return errors;
}

/** Errors in metadata every kind shares. `nameRule` is the kind's naming rule. */
export function validateObjectMeta(
  meta: ObjectMeta,
  namespaced: boolean,
  nameRule: NameRule = 'subdomain',
): FieldError[] {
  const errors: FieldError[] = [];
  const name = meta.name;
  if (!name) {
    errors.push({
      type: 'FieldValueRequired',
      field: 'metadata.name',
      detail: 'name or generateName is required',
    });
  } else {
    for (const detail of nameMessages(name, nameRule))
      errors.push({ type: 'FieldValueInvalid', field: 'metadata.name', value: name, detail });
  }
  if (namespaced && !meta.namespace) {
    errors.push({ type: 'FieldValueRequired', field: 'metadata.namespace' });
  }
  if (!namespaced && meta.namespace) {
    errors.push({
      type: 'FieldValueForbidden',
      field: 'metadata.namespace',
      detail: 'not allowed on this type',
    });
  }
  errors.push(...labelsErrors(meta.labels, 'metadata.labels'));
  for (const [key, value] of Object.entries(meta.annotations ?? {})) {
    errors.push(...qualifiedNameErrors(key.toLowerCase(), 'metadata.annotations'));
    if (typeof value !== 'string') {
      errors.push({
        type: 'FieldValueInvalid',
        field: `metadata.annotations[${key}]`,
        value,
        detail: 'must be a string',
      });
    }
  }
  return errors;
}
