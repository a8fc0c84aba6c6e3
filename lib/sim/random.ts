/** A seeded pseudo-random source (mulberry32), so a simulated run can be replayed exactly. */
export type Random = () => number;

export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The API server's alphabet for generated name suffixes: no vowels, no look-alike digits. */
const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** `length` characters of that alphabet drawn from `random` (generateName suffixes, component ids). */
export function randomNameSuffix(random: Random, length = 5): string {
  let out = '';
  for (let i = 0; i < length; i++) out += NAME_ALPHABET[Math.floor(random() * NAME_ALPHABET.length)];
  return out;
}
