/** `${VAR}` substitution for fixture templates, strict like CNPG's envsubst: a missing variable is an error. */
import { readTemplateVariable } from '../config/env.ts';

const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export class MissingTemplateVariablesError extends Error {
  override readonly name = 'MissingTemplateVariablesError';
  constructor(
    readonly source: string,
    readonly missing: readonly string[],
  ) {
    super(
      `${source}: missing template variable${missing.length === 1 ? '' : 's'} ${missing.join(', ')}; give ${missing.length === 1 ? 'it' : 'them'} in { variables } or the environment (empty values count as missing)`,
    );
  }
}

/**
 * Replaces every `${NAME}` with `variables[NAME]`, falling back to the environment. Only the
 * braced form is read (a bare `$NAME` stays as written, as with CNPG's envsubst).
 */
export function substituteVariables(
  text: string,
  variables: Readonly<Record<string, string | number | boolean>> = {},
  source = 'template',
): string {
  const missing = new Set<string>();
  const out = text.replace(VARIABLE, (whole, name: string) => {
    const given = Object.hasOwn(variables, name) ? variables[name] : undefined;
    const value = given !== undefined && given !== '' ? String(given) : readTemplateVariable(name);
    if (value === undefined) {
      missing.add(name);
      return whole;
    }
    return value;
  });
  if (missing.size > 0) throw new MissingTemplateVariablesError(source, [...missing].sort());
  return out;
}
