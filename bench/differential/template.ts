/**
 * The corpus's small templating: `{{ns}}` (the sequence's namespace), `{{run}}` (this run's id),
 * `{{i}}` (the repetition of a repeated step) and
 * `{{step.path}}` (a value from an earlier step's answer body, e.g. `{{created.metadata.uid}}`).
 * Substitution only, never evaluation. A string that is one template whole takes the value's own
 * type (a number stays a number).
 */
import { readPath } from './paths.ts';

export interface Scope {
  ns: string;
  run: string;
  /** Earlier steps' answer bodies by step name. */
  answers: Map<string, unknown>;
  /** The repetition of a step sent `repeat` times (from 1), as {{i}}. */
  i?: number;
}

const WHOLE = /^\{\{\s*([A-Za-z][\w.\-[\]=/]*)\s*\}\}$/;
const ANY = /\{\{\s*([A-Za-z][\w.\-[\]=/]*)\s*\}\}/g;

/** A reference that cannot be resolved (an earlier step failed, or the corpus names a wrong path). */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

function lookup(ref: string, scope: Scope): unknown {
  if (ref === 'ns') return scope.ns;
  if (ref === 'run') return scope.run;
  if (ref === 'i' && scope.i !== undefined) return scope.i;
  const dot = ref.indexOf('.');
  const step = dot < 0 ? ref : ref.slice(0, dot);
  if (!scope.answers.has(step)) throw new TemplateError(`{{${ref}}}: no answer from a step named ${step}`);
  const value = dot < 0 ? scope.answers.get(step) : readPath(scope.answers.get(step), ref.slice(dot + 1));
  if (value === undefined) throw new TemplateError(`{{${ref}}}: the answer of ${step} has no such value`);
  return value;
}

/** Substitutes every template in a value (strings, arrays and mappings, deeply). */
export function render(value: unknown, scope: Scope): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE.exec(value);
    if (whole) return lookup(whole[1] as string, scope);
    return value.replace(ANY, (_, ref: string) => {
      const v = lookup(ref, scope);
      return typeof v === 'string' ? v : JSON.stringify(v);
    });
  }
  if (Array.isArray(value)) return value.map((v) => render(v, scope));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [render(k, scope) as string, render(v, scope)]),
    );
  }
  return value;
}

export function renderString(value: string, scope: Scope): string {
  const v = render(value, scope);
  return typeof v === 'string' ? v : JSON.stringify(v);
}
