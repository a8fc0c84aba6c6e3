/**
 * Storage profiles from a YAML or JSON file (JSON is YAML), validated with the line of every
 * problem so a user can fix the file without guessing.
 */
import { readFile } from 'node:fs/promises';
import { isNode, LineCounter, parseDocument } from 'yaml';
import type { StorageProfile } from './profile.ts';
import { addUserProfile } from './registry.ts';
import { fieldName, validateStorageProfile } from './validate.ts';

export interface ProfileFileProblem {
  readonly line: number;
  readonly column: number;
  /** Path in the file, e.g. `profiles[1].mobility`. */
  readonly field: string;
  readonly message: string;
}

export class StorageProfileFileError extends Error {
  override readonly name = 'StorageProfileFileError';
  constructor(
    readonly file: string,
    readonly problems: readonly ProfileFileProblem[],
  ) {
    super(
      `storage profile file ${file} is invalid:\n${problems
        .map((p) => `  line ${p.line}, column ${p.column}: ${p.field}: ${p.message}`)
        .join('\n')}`,
    );
  }
}

/** A profile read from a file, with where it was written. */
export interface FileProfile {
  readonly profile: StorageProfile;
  /** `file:line` of the profile's first line. */
  readonly location: string;
}

/**
 * Parses profile file text: a mapping with a `profiles` list, or a bare list. Throws
 * StorageProfileFileError naming the line and field of every problem found.
 */
export function parseStorageProfiles(text: string, file: string): FileProfile[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => {
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  const syntax = [...doc.errors];
  if (syntax.length > 0) {
    throw new StorageProfileFileError(
      file,
      syntax.map((e) => ({
        ...at(e.pos[0]),
        field: '(syntax)',
        message: e.message.split('\n')[0] ?? e.message,
      })),
    );
  }
  const root: unknown = doc.toJS();
  const listPath: (string | number)[] = Array.isArray(root) ? [] : ['profiles'];
  const list = Array.isArray(root) ? root : isRecord(root) ? root.profiles : undefined;
  // Points at the deepest node that exists: a missing field is reported on its parent.
  const locate = (path: readonly (string | number)[]) => {
    for (let n = path.length; n > 0; n--) {
      const node = doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) return at(node.range[0]);
    }
    const top = doc.contents;
    return isNode(top) && top.range ? at(top.range[0]) : { line: 1, column: 1 };
  };

  if (!Array.isArray(list)) {
    const extra = isRecord(root) ? Object.keys(root).filter((k) => k !== 'profiles') : ([] as string[]);
    throw new StorageProfileFileError(file, [
      {
        ...locate(listPath),
        field: 'profiles',
        message: `expected a list of profiles under "profiles:" (or a top-level list)${extra.length ? `; found ${extra.join(', ')}` : ''}`,
      },
    ]);
  }
  const problems: ProfileFileProblem[] = [];
  if (isRecord(root)) {
    for (const key of Object.keys(root)) {
      if (key !== 'profiles')
        problems.push({ ...locate([key]), field: key, message: 'unknown field; expected profiles' });
    }
  }
  const names = new Map<string, number>();
  const out: FileProfile[] = [];
  list.forEach((item, i) => {
    const base = [...listPath, i];
    const found = validateStorageProfile(item);
    for (const p of found) {
      const path = [...base, ...p.path];
      problems.push({ ...locate(path), field: fieldName(path), message: p.message });
    }
    if (found.length > 0) return;
    const profile = item as StorageProfile;
    const seen = names.get(profile.name);
    if (seen !== undefined) {
      problems.push({
        ...locate([...base, 'name']),
        field: fieldName([...base, 'name']),
        message: `duplicate profile name "${profile.name}" (first at ${fieldName([...listPath, seen])})`,
      });
      return;
    }
    names.set(profile.name, i);
    out.push({ profile, location: `${file}:${locate(base).line}` });
  });
  if (problems.length > 0) {
    problems.sort((a, b) => a.line - b.line || a.column - b.column);
    throw new StorageProfileFileError(file, problems);
  }
  return out;
}

/** Reads, validates and registers the profiles in a file; returns a function that unregisters them. */
export async function loadStorageProfileFile(file: string): Promise<() => void> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new Error(`storage profile file ${file} cannot be read (${code})`);
  }
  const removers = parseStorageProfiles(text, file).map((p) => addUserProfile(p.profile, 'file', p.location));
  return () => {
    for (const remove of removers) remove();
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
