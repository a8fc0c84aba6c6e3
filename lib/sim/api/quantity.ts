/**
 * resource.Quantity as kube-apiserver decodes and encodes it (apimachinery pkg/api/resource
 * quantity.go): the same scanner, the same three formats (DecimalSI `500m`, BinarySI `1Gi`,
 * DecimalExponent `1e3`), the same canonical form on the way out (`0.5` → `500m`, `1024Mi` → `1Gi`,
 * `1.5Gi` → `1536Mi`, binary values below 1024 or with a fraction in DecimalSI), the same rounding
 * (finer than 1n rounds away from zero; a BinarySI value is capped at 2^63-1) and the same quirk of
 * keeping the text as written when the fast path finds it canonical already (`+1`, `01`, `1e3`).
 * Values are exact: a bigint mantissa and a power of ten, never a float.
 */

export type QuantityFormat = 'DecimalExponent' | 'BinarySI' | 'DecimalSI';

/** The value `mantissa × 10^exponent`, the format it prints in, and the text kept as written. */
export interface Quantity {
  readonly mantissa: bigint;
  readonly exponent: number;
  readonly format: QuantityFormat;
  /** Set when the text was already canonical: the server sends it back unchanged. */
  readonly text?: string;
}

/** The decoder's error for a malformed quantity; `message` is the real server's text. */
export class QuantityError extends Error {
  override name = 'QuantityError';
}

export const QUANTITY_FORMAT_WRONG =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const NUMERIC_WRONG = 'unable to parse numeric part of quantity';
const SUFFIX_WRONG = "unable to parse quantity's suffix";

const DECIMAL_SUFFIXES: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const BINARY_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_BY_EXPONENT = new Map(Object.entries(DECIMAL_SUFFIXES).map(([s, e]) => [e, s]));
const BINARY_BY_EXPONENT = new Map<number, string>([
  [0, ''],
  ...Object.entries(BINARY_SUFFIXES).map(([s, e]) => [e, s] as [number, string]),
]);

const MAX_INT64 = (1n << 63n) - 1n;
const NANO = -9;
const isDigit = (ch: string | undefined) => ch !== undefined && ch >= '0' && ch <= '9';

interface Scanned {
  positive: boolean;
  /** Sign, digits and point: what the slow path reads as a decimal. */
  value: string;
  num: string;
  denom: string;
  suffix: string;
}

/** parseQuantityString: sign, leading zeros, numerator, denominator, suffix. */
function scan(str: string): Scanned {
  const end = str.length;
  let pos = 0;
  let positive = true;
  if (str[0] === '-') {
    positive = false;
    pos++;
  } else if (str[0] === '+') pos++;
  while (pos < end && str[pos] === '0') pos++;
  if (pos >= end) return { positive, value: '0', num: '0', denom: '', suffix: '' };
  let i = pos;
  while (i < end && isDigit(str[i])) i++;
  if (i >= end) return { positive, value: str, num: str.slice(pos), denom: '', suffix: '' };
  const num = str.slice(pos, i) || '0';
  pos = i;
  let denom = '';
  if (str[pos] === '.') {
    pos++;
    i = pos;
    while (i < end && isDigit(str[i])) i++;
    denom = str.slice(pos, i);
    if (i >= end) return { positive, value: str, num, denom, suffix: '' };
    pos = i;
  }
  const value = str.slice(0, pos);
  const suffixStart = pos;
  while (pos < end && 'eEinumkKMGTP'.includes(str[pos]!)) pos++;
  if (pos < end && (str[pos] === '-' || str[pos] === '+')) pos++;
  while (pos < end && isDigit(str[pos])) pos++;
  if (pos < end) throw new QuantityError(QUANTITY_FORMAT_WRONG);
  return { positive, value, num, denom, suffix: str.slice(suffixStart) };
}

/** The suffix's base, exponent and format (decimal SI first, then binary SI, then `e<n>`). */
function interpret(suffix: string): { base: 10 | 2; exponent: number; format: QuantityFormat } {
  if (suffix in DECIMAL_SUFFIXES)
    return { base: 10, exponent: DECIMAL_SUFFIXES[suffix]!, format: 'DecimalSI' };
  if (suffix in BINARY_SUFFIXES) return { base: 2, exponent: BINARY_SUFFIXES[suffix]!, format: 'BinarySI' };
  if (
    suffix.length > 1 &&
    (suffix[0] === 'e' || suffix[0] === 'E') &&
    /^[+-]?[0-9]+$/.test(suffix.slice(1))
  ) {
    const parsed = BigInt(suffix.slice(1));
    // strconv.ParseInt's range, then Go's int32 conversion.
    if (parsed <= MAX_INT64 && parsed >= -MAX_INT64 - 1n) {
      return { base: 10, exponent: Number(BigInt.asIntN(32, parsed)), format: 'DecimalExponent' };
    }
  }
  throw new QuantityError(SUFFIX_WRONG);
}

const abs = (n: bigint) => (n < 0n ? -n : n);
const digitCount = (n: bigint) => abs(n).toString().length;

/** The decimal `value` reads as (inf.Dec's scanner: optional sign, digits, at most one point). */
function decimal(value: string): { mantissa: bigint; exponent: number } {
  const m = /^([+-]?)([0-9]*)(?:\.([0-9]*))?$/.exec(value);
  if (!m || (m[2] ?? '') + (m[3] ?? '') === '') throw new QuantityError(NUMERIC_WRONG);
  const digits = (m[2] ?? '') + (m[3] ?? '');
  const mantissa = BigInt(digits) * (m[1] === '-' ? -1n : 1n);
  return { mantissa, exponent: -(m[3]?.length ?? 0) };
}

/** ParseQuantity: the value, its format, and the text when the server keeps it as written. */
export function parseQuantity(input: string): Quantity {
  const str = input.trim();
  if (str === '') throw new QuantityError(QUANTITY_FORMAT_WRONG);
  if (str === '0') return { mantissa: 0n, exponent: 0, format: 'DecimalSI', text: str };
  const { positive, value, num, denom, suffix } = scan(str);
  const { base, exponent, format } = interpret(suffix);

  // The fast path: values that fit an int64 at a scale no finer than nano.
  let precision: number;
  let scale = 0;
  let multiplier = 1n;
  if (format === 'BinarySI') {
    if (exponent >= 0 && denom.length === 0) {
      multiplier = 1n << BigInt(exponent);
      precision = 15 - num.length - Math.trunc((exponent * 3) / 10) - 1;
    } else precision = -1;
  } else {
    scale = exponent;
    precision = 18 - (num.length + denom.length);
  }
  if (precision >= 0) {
    scale -= denom.length;
    if (scale >= NANO) {
      const shifted = num + denom;
      const parsed = BigInt(shifted);
      const product = parsed * multiplier;
      if (product <= MAX_INT64) {
        const mantissa = positive ? product : -product;
        const canonical =
          format === 'BinarySI'
            ? exponent % 10 === 0 && (parsed & 7n) !== 0n
            : scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
        return canonical
          ? { mantissa, exponent: scale, format, text: str }
          : { mantissa, exponent: scale, format };
      }
    }
  }

  // The slow path: exact decimals, rounded away from zero to nano, binary values capped.
  let { mantissa, exponent: exp } = decimal(value);
  if (base === 10) exp += exponent;
  else mantissa *= 1n << BigInt(exponent);
  const negative = mantissa < 0n;
  if (negative) mantissa = -mantissa;
  if (mantissa !== 0n && exp < NANO) {
    const drop = NANO - exp;
    if (drop > digitCount(mantissa)) mantissa = 1n;
    else {
      const unit = 10n ** BigInt(drop);
      mantissa = (mantissa + unit - 1n) / unit;
    }
    exp = NANO;
  }
  let outFormat = format;
  if (format === 'BinarySI' && compareMagnitude(mantissa, exp, MAX_INT64, 0) > 0) {
    mantissa = MAX_INT64;
    exp = 0;
  }
  if (format === 'BinarySI' && mantissa !== 0n && compareMagnitude(mantissa, exp, 1n, 0) < 0) {
    outFormat = 'DecimalSI';
  }
  return { mantissa: negative ? -mantissa : mantissa, exponent: exp, format: outFormat };
}

/** Compares two non-negative values `a × 10^ae` and `b × 10^be` without building huge powers. */
function compareMagnitude(a: bigint, ae: number, b: bigint, be: number): number {
  if (a === 0n || b === 0n) return a === b ? 0 : a === 0n ? -1 : 1;
  const orderA = digitCount(a) + ae;
  const orderB = digitCount(b) + be;
  if (orderA !== orderB) return orderA < orderB ? -1 : 1;
  const common = Math.min(ae, be);
  const x = a * 10n ** BigInt(ae - common);
  const y = b * 10n ** BigInt(be - common);
  return x === y ? 0 : x < y ? -1 : 1;
}

/** -1, 0 or 1 as a is less than, equal to or greater than b (Quantity.Cmp). */
export function compareQuantities(a: Quantity, b: Quantity): -1 | 0 | 1 {
  const sa = a.mantissa < 0n ? -1 : a.mantissa > 0n ? 1 : 0;
  const sb = b.mantissa < 0n ? -1 : b.mantissa > 0n ? 1 : 0;
  if (sa !== sb) return sa < sb ? -1 : 1;
  if (sa === 0) return 0;
  const c = compareMagnitude(abs(a.mantissa), a.exponent, abs(b.mantissa), b.exponent);
  return (sa > 0 ? c : -c) as -1 | 0 | 1;
}

/** The mantissa with its factors of `factor` moved out, and how many there were. */
function removeFactors(value: bigint, factor: bigint): [bigint, number] {
  let times = 0;
  while (value !== 0n && value % factor === 0n) {
    value /= factor;
    times++;
  }
  return [value, times];
}

/** CanonicalizeBytes: the form the server writes when it does not keep the text as written. */
export function canonicalQuantity(q: Quantity): string {
  if (q.mantissa === 0n) return '0';
  let format = q.format;
  let integer: bigint | undefined;
  if (format === 'BinarySI') {
    const magnitude = abs(q.mantissa);
    if (compareMagnitude(magnitude, q.exponent, 1024n, 0) < 0) format = 'DecimalSI';
    else if (q.exponent >= 0) integer = q.mantissa * 10n ** BigInt(q.exponent);
    else {
      const unit = 10n ** BigInt(-q.exponent);
      if (q.mantissa % unit === 0n) integer = q.mantissa / unit;
      else format = 'DecimalSI'; // not a whole number: shown in DecimalSI rather than rounded
    }
  }
  if (format === 'BinarySI' && integer !== undefined) {
    const [amount, times] = removeFactors(integer, 1024n);
    return `${amount}${BINARY_BY_EXPONENT.get(times * 10) ?? ''}`;
  }
  let [amount, times] = removeFactors(q.mantissa, 10n);
  let exponent = q.exponent + times;
  while (exponent % 3 !== 0) {
    amount *= 10n;
    exponent--;
  }
  if (format === 'DecimalSI') {
    // DecimalSI has no suffix beyond E (10^18); kube-apiserver v1.36 then writes none at all, so
    // "1000E" comes back as "1" (measured; later apimachinery writes "1e21").
    return `${amount}${DECIMAL_BY_EXPONENT.get(exponent) ?? ''}`;
  }
  return `${amount}${exponent === 0 ? '' : `e${exponent}`}`;
}

/**
 * Quantity.RoundUp(Milli), which core/v1's SetDefaults_ResourceList applies to every value of a
 * ResourceList on decode: finer values round away from zero to a milli unit and lose their text.
 */
export function roundUpToMilli(q: Quantity): Quantity {
  if (q.exponent >= -3) return q;
  const unit = 10n ** BigInt(-3 - q.exponent);
  const magnitude = abs(q.mantissa);
  const rounded = (magnitude + unit - 1n) / unit;
  return { mantissa: q.mantissa < 0n ? -rounded : rounded, exponent: -3, format: q.format };
}

/** The value as a float, for scheduling and quota arithmetic (exact for integers up to 2^53). */
export function quantityValue(q: Quantity): number {
  const m = Number(q.mantissa);
  return q.exponent < 0 ? m / 10 ** -q.exponent : m * 10 ** q.exponent;
}

/** The text the server sends back for a quantity (MarshalJSON). */
export function formatQuantity(q: Quantity): string {
  return q.text ?? canonicalQuantity(q);
}

/**
 * What a quantity field holds after the server's decode and encode: `"0.5"` → `"500m"`; a value of
 * a ResourceList (requests, limits, capacity, hard…) is also rounded up to milli. Throws QuantityError.
 */
export function normaliseQuantity(value: string | number, resourceList = false): string {
  const q = parseQuantity(typeof value === 'number' ? String(value) : value);
  return formatQuantity(resourceList ? roundUpToMilli(q) : q);
}
