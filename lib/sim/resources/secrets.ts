import { badRequest, type FieldError } from '../api/errors.ts';
import type { ResourceType } from '../api/resource.ts';
import type { KObject } from '../api/types.ts';
import { age, builtIn, fieldAt } from './define.ts';
import { immutable } from './format.ts';
import { configKeyErrors } from './config-keys.ts';
import { immutableDataErrors } from './immutable-data.ts';
import { bool, map, str, type Shape } from './shape.ts';

const BASE64_CHAR = /[A-Za-z0-9+/]/;

/** The offset Go's base64 decoder reports for malformed input, or -1 when the value decodes. */
function base64ErrorOffset(value: string): number {
  const text = value.replace(/[\r\n]/g, '');
  let i = 0;
  while (i < text.length && BASE64_CHAR.test(text[i]!)) i++;
  const padding = text.slice(i);
  if (padding.length > 0 && !/^={1,2}$/.test(padding))
    return padding[0] === '=' ? i + padding.search(/[^=]/) : i;
  if ((i + padding.length) % 4 !== 0) return Math.floor(text.length / 4) * 4;
  return -1;
}

/**
 * Decodes the wire form as the real server does: `data` values must be base64 (a decode error is a
 * 400, not a 422), and `stringData` is folded into `data` and dropped.
 */
function normalise(obj: KObject): void {
  // A copy: a patched object shares its maps with the stored one, which must not change here.
  const data = { ...((obj.data ?? {}) as Record<string, unknown>) };
  for (const [key, value] of Object.entries(data)) {
    if (typeof value !== 'string') {
      throw badRequest(
        `Secret in version "v1" cannot be handled as a Secret: data[${key}] must be a base64 string`,
      );
    }
    const at = base64ErrorOffset(value);
    if (at >= 0) {
      throw badRequest(
        `Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte ${at}`,
      );
    }
  }
  const stringData = obj.stringData as Record<string, unknown> | undefined;
  if (stringData && typeof stringData === 'object') {
    for (const [key, value] of Object.entries(stringData))
      data[key] = Buffer.from(String(value), 'utf8').toString('base64');
    delete obj.stringData;
  }
  if (Object.keys(data).length > 0 || obj.data !== undefined) obj.data = data;
}

/** The keys each built-in secret type requires (ValidateSecret), with the real causes. */
function typeErrors(obj: KObject): FieldError[] {
  const data = (obj.data ?? {}) as Record<string, string>;
  const has = (key: string) => Object.hasOwn(data, key);
  const required = (key: string): FieldError => ({ type: 'FieldValueRequired', field: `data[${key}]` });
  switch (obj.type) {
    case 'kubernetes.io/service-account-token':
      return obj.metadata.annotations?.['kubernetes.io/service-account.name']
        ? []
        : [{ type: 'FieldValueRequired', field: 'metadata.annotations[kubernetes.io/service-account.name]' }];
    case 'kubernetes.io/dockercfg':
      return has('.dockercfg') ? [] : [required('.dockercfg')];
    case 'kubernetes.io/dockerconfigjson':
      return has('.dockerconfigjson') ? [] : [required('.dockerconfigjson')];
    case 'kubernetes.io/basic-auth':
      return has('username') || has('password') ? [] : [required('username'), required('password')];
    case 'kubernetes.io/ssh-auth':
      return data['ssh-privatekey'] ? [] : [required('ssh-privatekey')];
    case 'kubernetes.io/tls':
      return ['tls.crt', 'tls.key'].filter((k) => !has(k)).map(required);
    default:
      return [];
  }
}

/** The fields this kind's hooks and printers read, with their JSON types. */
const SHAPE: Record<string, Shape> = { data: map(), stringData: map(), type: str, immutable: bool };

export const secrets: ResourceType = builtIn(
  {
    group: '',
    version: 'v1',
    kind: 'Secret',
    plural: 'secrets',
    singular: 'secret',
    namespaced: true,
    hasGeneration: false,
    fields: { type: fieldAt('type') },
    prepareForCreate(obj) {
      normalise(obj);
      obj.type ??= 'Opaque';
    },
    prepareForUpdate(obj, old) {
      normalise(obj);
      obj.type ??= old.type;
    },
    validate(obj, old) {
      const errors: FieldError[] = [...configKeyErrors(obj.data, 'data'), ...typeErrors(obj)];
      if (!old) return errors;
      if (obj.type !== old.type) errors.push(immutable('type', obj.type));
      errors.push(...immutableDataErrors(obj, old, ['data']));
      return errors;
    },
    columns: [
      { name: 'Type', type: 'string', cell: (o) => String(o.type ?? '') },
      { name: 'Data', type: 'string', cell: (o) => Object.keys((o.data as object | undefined) ?? {}).length },
      { name: 'Age', type: 'string', cell: age },
    ],
  },
  SHAPE,
);
