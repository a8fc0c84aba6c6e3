/** The keys of ConfigMap and Secret data (apimachinery IsConfigMapKey), with the real messages. */
import type { FieldError } from '../api/errors.ts';

const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;

function configKeyMessages(key: string): string[] {
  const out: string[] = [];
  if (key.length > 253) out.push('must be no more than 253 characters');
  if (!CONFIG_KEY.test(key)) {
    out.push(
      "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    );
  }
  if (key === '.') out.push("must not be '.'");
  else if (key === '..') out.push("must not be '..'");
  else if (key.startsWith('..')) out.push("must not start with '..'");
  return out;
}

/** `data[bad key!]: Invalid value: "bad key!": a valid config key must consist of …` for each bad key of a map. */
export function configKeyErrors(map: unknown, field: string): FieldError[] {
  if (typeof map !== 'object' || map === null) return [];
  return Object.keys(map).flatMap((key) =>
    configKeyMessages(key).map(
      (detail): FieldError => ({ type: 'FieldValueInvalid', field: `${field}[${key}]`, value: key, detail }),
    ),
  );
}
