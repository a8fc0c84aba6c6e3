/** Checks a value is a well-formed StorageProfile and says precisely what is wrong when it is not. */
import { ACCESS_MODES, DRAIN_OUTCOMES, MOBILITIES } from './profile.ts';

export interface ProfileProblem {
  /** Path inside the profile, e.g. `match.provisioner` or `accessModes[1]`. */
  readonly field: string;
  /** The same path as segments, to locate it in a parsed file. */
  readonly path: readonly (string | number)[];
  readonly message: string;
}

const KNOWN_KEYS = [
  'name',
  'match',
  'mobility',
  'drainOutcome',
  'accessModes',
  'expansion',
  'snapshots',
  'delays',
  'source',
  'notes',
];
const MATCH_KEYS = ['provisioner', 'storageClass', 'parameters'];
const DELAY_KEYS = ['provisioningSeconds', 'attachDetachSeconds', 'multiAttachSeconds'];

export function validateStorageProfile(value: unknown): ProfileProblem[] {
  const problems: ProfileProblem[] = [];
  const add = (path: (string | number)[], message: string) =>
    problems.push({ field: fieldName(path), path, message });

  if (!isRecord(value)) {
    add([], `must be a mapping with name, match and mobility, got ${describe(value)}`);
    return problems;
  }
  for (const key of Object.keys(value)) {
    if (!KNOWN_KEYS.includes(key)) add([key], `unknown field; expected one of ${KNOWN_KEYS.join(', ')}`);
  }
  if (typeof value.name !== 'string' || value.name.trim() === '') {
    add(['name'], `must be a non-empty string, got ${describe(value.name)}`);
  }
  checkMatch(value.match, add);
  checkOneOf(value.mobility, MOBILITIES, ['mobility'], add, true);
  checkOneOf(value.drainOutcome, DRAIN_OUTCOMES, ['drainOutcome'], add, false);
  if (value.accessModes !== undefined) {
    if (!Array.isArray(value.accessModes)) {
      add(['accessModes'], `must be a list of access modes, got ${describe(value.accessModes)}`);
    } else {
      value.accessModes.forEach((m, i) => {
        checkOneOf(m, ACCESS_MODES, ['accessModes', i], add, true);
      });
    }
  }
  for (const key of ['expansion', 'snapshots'] as const) {
    if (value[key] !== undefined && typeof value[key] !== 'boolean') {
      add([key], `must be true or false, got ${describe(value[key])}`);
    }
  }
  if (value.delays !== undefined) {
    if (!isRecord(value.delays)) {
      add(['delays'], `must be a mapping of ${DELAY_KEYS.join(', ')}, got ${describe(value.delays)}`);
    } else {
      for (const [key, seconds] of Object.entries(value.delays)) {
        if (!DELAY_KEYS.includes(key)) {
          add(['delays', key], `unknown field; expected one of ${DELAY_KEYS.join(', ')}`);
        } else if (typeof seconds !== 'number' || !(seconds >= 0) || !Number.isFinite(seconds)) {
          add(['delays', key], `must be a number of seconds >= 0, got ${describe(seconds)}`);
        }
      }
    }
  }
  for (const key of ['source', 'notes'] as const) {
    if (value[key] !== undefined && typeof value[key] !== 'string') {
      add([key], `must be a string, got ${describe(value[key])}`);
    }
  }
  return problems;
}

type Add = (path: (string | number)[], message: string) => void;

function checkMatch(match: unknown, add: Add): void {
  if (!isRecord(match)) {
    add(
      ['match'],
      `must be a mapping with provisioner, storageClass and/or parameters, got ${describe(match)}`,
    );
    return;
  }
  for (const key of Object.keys(match)) {
    if (!MATCH_KEYS.includes(key))
      add(['match', key], `unknown field; expected one of ${MATCH_KEYS.join(', ')}`);
  }
  if (match.provisioner === undefined && match.storageClass === undefined) {
    add(
      ['match'],
      'must name a provisioner or a storageClass (a profile that matches everything is a mistake)',
    );
  }
  for (const key of ['provisioner', 'storageClass'] as const) {
    const v = match[key];
    if (v === undefined) continue;
    const ok =
      (typeof v === 'string' && v !== '') ||
      (Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === 'string' && s !== ''));
    if (!ok) add(['match', key], `must be a non-empty string or list of strings, got ${describe(v)}`);
  }
  if (match.parameters !== undefined) {
    if (!isRecord(match.parameters)) {
      add(
        ['match', 'parameters'],
        `must be a mapping of parameter to value, got ${describe(match.parameters)}`,
      );
    } else {
      for (const [k, v] of Object.entries(match.parameters)) {
        if (typeof v !== 'string') {
          add(['match', 'parameters', k], `must be a string (quote it in YAML), got ${describe(v)}`);
        }
      }
    }
  }
}

function checkOneOf(
  v: unknown,
  allowed: readonly string[],
  path: (string | number)[],
  add: Add,
  required: boolean,
): void {
  if (v === undefined && !required) return;
  if (typeof v !== 'string' || !allowed.includes(v)) {
    add(path, `must be one of ${allowed.join(', ')}, got ${describe(v)}`);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return JSON.stringify(v);
}

export function fieldName(path: readonly (string | number)[]): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out ? `.${seg}` : seg;
  return out || '(profile)';
}
