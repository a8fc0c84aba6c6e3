/**
 * Which profile describes a storage class: user profiles (registered in code or loaded from the
 * profile file) before the built-in table, and the most specific match within each.
 */
import { KNOWN_PROVISIONERS } from './known-provisioners.ts';
import type { StorageProfile, StorageProfileMatch } from './profile.ts';
import { validateStorageProfile } from './validate.ts';

/** What a class offers to be matched on. */
export interface StorageClassFacts {
  readonly name: string;
  readonly provisioner: string;
  readonly parameters?: Readonly<Record<string, string>>;
}

export type ProfileOrigin = 'code' | 'file' | 'built-in';

export interface MatchedProfile {
  readonly profile: StorageProfile;
  readonly origin: ProfileOrigin;
  /** For file profiles: `path:line`. */
  readonly location?: string;
}

interface Entry extends MatchedProfile {
  readonly order: number;
}

const userProfiles: Entry[] = [];
let counter = 0;

/**
 * Adds a profile that takes precedence over the built-in table (and over file profiles). Returns a
 * function that removes it again, for tests and `DeferCleanup`.
 */
export function registerStorageProfile(profile: StorageProfile): () => void {
  const problems = validateStorageProfile(profile);
  if (problems.length > 0) {
    const what = typeof profile?.name === 'string' ? `"${profile.name}"` : '(unnamed)';
    throw new TypeError(
      `registerStorageProfile: profile ${what} is invalid:\n${problems.map((p) => `  ${p.field}: ${p.message}`).join('\n')}`,
    );
  }
  return addUserProfile(profile, 'code');
}

/** Used by the profile file loader; code registrations outrank file entries. */
export function addUserProfile(
  profile: StorageProfile,
  origin: 'code' | 'file',
  location?: string,
): () => void {
  const entry: Entry = { profile, origin, order: counter++, ...(location ? { location } : {}) };
  userProfiles.push(entry);
  return () => {
    const i = userProfiles.indexOf(entry);
    if (i >= 0) userProfiles.splice(i, 1);
  };
}

/** Every registered user profile (code first, then file), for reports. */
export function userStorageProfiles(): readonly MatchedProfile[] {
  return [...userProfiles].sort(byPrecedence).map(({ order: _order, ...rest }) => rest);
}

/** The profile that best describes a class, or undefined when nothing matches. */
export function findStorageProfile(sc: StorageClassFacts): MatchedProfile | undefined {
  const candidates: Entry[] = [
    ...userProfiles,
    ...KNOWN_PROVISIONERS.map((profile, i) => ({ profile, origin: 'built-in' as const, order: -1 - i })),
  ].filter((e) => matches(e.profile.match, sc));
  candidates.sort(byPrecedence);
  const best = candidates[0];
  if (!best) return undefined;
  const { order: _order, ...rest } = best;
  return rest;
}

const ORIGIN_RANK: Record<ProfileOrigin, number> = { code: 0, file: 1, 'built-in': 2 };

function byPrecedence(a: Entry, b: Entry): number {
  return (
    ORIGIN_RANK[a.origin] - ORIGIN_RANK[b.origin] ||
    specificity(b.profile.match) - specificity(a.profile.match) ||
    // later registrations win; built-in rows keep table order (their order is negative and decreasing)
    b.order - a.order
  );
}

/** Class name beats parameters beats an exact provisioner beats a wildcard. */
function specificity(m: StorageProfileMatch): number {
  let score = 0;
  if (m.storageClass !== undefined) score += 100;
  score += 10 * Object.keys(m.parameters ?? {}).length;
  if (m.provisioner !== undefined && list(m.provisioner).every((p) => !p.includes('*'))) score += 1;
  return score;
}

export function matches(m: StorageProfileMatch, sc: StorageClassFacts): boolean {
  if (m.provisioner !== undefined && !list(m.provisioner).some((p) => glob(p, sc.provisioner))) return false;
  if (m.storageClass !== undefined && !list(m.storageClass).some((p) => glob(p, sc.name))) return false;
  for (const [key, want] of Object.entries(m.parameters ?? {})) {
    const actualKey = Object.keys(sc.parameters ?? {}).find((k) => k.toLowerCase() === key.toLowerCase());
    if (actualKey === undefined) return false;
    if (!glob(want, sc.parameters?.[actualKey] ?? '', true)) return false;
  }
  return true;
}

function list(v: string | readonly string[]): readonly string[] {
  return typeof v === 'string' ? [v] : v;
}

function glob(pattern: string, value: string, ignoreCase = false): boolean {
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    ignoreCase ? 'i' : '',
  );
  return re.test(value);
}
