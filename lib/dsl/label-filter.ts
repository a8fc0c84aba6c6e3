/**
 * Ginkgo's label-filter language: `&&`, `||` (or `,`), `!`, parentheses and `/regex/`,
 * matched case-insensitively against the labels a spec inherits from its containers.
 */

export type LabelFilter = (labels: readonly string[]) => boolean;

const RESERVED = /[&|!,()/]/;

/** Throws at once when a label could not be written in a filter. */
export function assertValidLabel(label: string): void {
  if (typeof label !== 'string' || label.trim() === '') {
    throw new TypeError(`Label: labels must be non-empty strings, got ${JSON.stringify(label)}`);
  }
  if (RESERVED.test(label)) {
    throw new TypeError(
      `Label: "${label}" contains one of the characters & | ! , ( ) / that the label filter language reserves; rename it`,
    );
  }
}

type Token =
  | { kind: 'label'; text: string; at: number }
  | { kind: 'regex'; source: string; at: number }
  | { kind: 'op'; text: '&&' | '||' | '!' | '(' | ')'; at: number };

function tokenize(filter: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < filter.length) {
    const c = filter[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (filter.startsWith('&&', i) || filter.startsWith('||', i)) {
      tokens.push({ kind: 'op', text: filter.slice(i, i + 2) as '&&' | '||', at: i });
      i += 2;
    } else if (c === ',') {
      tokens.push({ kind: 'op', text: '||', at: i });
      i++;
    } else if (c === '!' || c === '(' || c === ')') {
      tokens.push({ kind: 'op', text: c, at: i });
      i++;
    } else if (c === '/') {
      const end = filter.indexOf('/', i + 1);
      if (end < 0) throw filterError(filter, i, 'a regular expression that is never closed with /');
      tokens.push({ kind: 'regex', source: filter.slice(i + 1, end), at: i });
      i = end + 1;
    } else if (c === '&' || c === '|') {
      throw filterError(filter, i, `a single "${c}"; write "${c}${c}"`);
    } else {
      let j = i;
      while (j < filter.length && !RESERVED.test(filter[j]!)) j++;
      tokens.push({ kind: 'label', text: filter.slice(i, j).trim().toLowerCase(), at: i });
      i = j;
    }
  }
  return tokens;
}

function filterError(filter: string, at: number, what: string): Error {
  return new TypeError(`Invalid label filter "${filter}": ${what} at column ${at + 1}`);
}

/** Parses a filter such as `disruptive && !slow` into a predicate over label sets. */
export function parseLabelFilter(filter: string): LabelFilter {
  const tokens = tokenize(filter);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const isOp = (t: Token | undefined, text: string): boolean => t?.kind === 'op' && t.text === text;

  const parseOr = (): LabelFilter => {
    let left = parseAnd();
    while (isOp(peek(), '||')) {
      pos++;
      const l = left;
      const r = parseAnd();
      left = (labels) => l(labels) || r(labels);
    }
    return left;
  };
  const parseAnd = (): LabelFilter => {
    let left = parseUnary();
    while (isOp(peek(), '&&')) {
      pos++;
      const l = left;
      const r = parseUnary();
      left = (labels) => l(labels) && r(labels);
    }
    return left;
  };
  const parseUnary = (): LabelFilter => {
    const t = peek();
    if (t === undefined) throw filterError(filter, filter.length, 'a label expected but the filter ended');
    pos++;
    if (t.kind === 'label') return (labels) => labels.some((l) => l.toLowerCase() === t.text);
    if (t.kind === 'regex') {
      let re: RegExp;
      try {
        re = new RegExp(t.source, 'i');
      } catch (err) {
        throw filterError(filter, t.at, `an invalid regular expression (${(err as Error).message})`);
      }
      return (labels) => labels.some((l) => re.test(l));
    }
    if (t.text === '!') {
      const inner = parseUnary();
      return (labels) => !inner(labels);
    }
    if (t.text === '(') {
      const inner = parseOr();
      if (!isOp(peek(), ')')) throw filterError(filter, peek()?.at ?? filter.length, 'a missing ")"');
      pos++;
      return inner;
    }
    throw filterError(filter, t.at, `"${t.text}" where a label was expected`);
  };

  if (tokens.length === 0) return () => true;
  const predicate = parseOr();
  const rest = peek();
  if (rest !== undefined) {
    throw filterError(
      filter,
      rest.at,
      `unexpected "${rest.kind === 'label' ? rest.text : rest.kind === 'op' ? rest.text : `/${rest.source}/`}"`,
    );
  }
  return predicate;
}
