import { expect } from 'chai';
import fc from 'fast-check';
import { canonicalJson, clone, sameJson } from './types.ts';

// sameJson and clone walk values by hand for speed; they must mean exactly what their slow forms mean.
describe('JSON value helpers', () => {
  const scalar = fc.oneof(
    fc.string({ maxLength: 3 }),
    fc.integer({ min: -2, max: 2 }),
    fc.constantFrom(0, -0, Number.NaN, Number.POSITIVE_INFINITY, 1.5, null, undefined, true, false, '1', ''),
  );
  const value = fc.letrec((tie) => ({
    v: fc.oneof(
      { depthSize: 'small' },
      scalar,
      fc.array(tie('v'), { maxLength: 3 }),
      fc.dictionary(fc.constantFrom('a', 'b', '1', '__proto__'), tie('v'), { maxKeys: 3 }),
      fc.constantFrom(new Date(0), new Date(1)),
    ),
  })).v;

  it('sameJson is true exactly when both values print the same canonical JSON', () => {
    fc.assert(
      fc.property(value, value, (a, b) => {
        expect(sameJson(a, b)).to.equal(canonicalJson(a) === canonicalJson(b));
        expect(sameJson({ x: a }, JSON.parse(JSON.stringify({ x: a })))).to.equal(
          canonicalJson({ x: a }) === canonicalJson(JSON.parse(JSON.stringify({ x: a }))),
        );
      }),
      { numRuns: 5000 },
    );
  });

  it('clone copies a value deeply: equal JSON, nothing shared, keys never turned into prototypes', () => {
    fc.assert(
      fc.property(value, (a) => {
        const copy = clone(a);
        expect(canonicalJson(copy)).to.equal(canonicalJson(a));
        expect(sameJson(copy, a)).to.equal(true);
        if (a !== null && typeof a === 'object' && !(a instanceof Date)) expect(copy).to.not.equal(a);
      }),
      { numRuns: 2000 },
    );
    const parsed = JSON.parse('{"__proto__": {"polluted": true}, "list": [{"a": 1}]}');
    const copy = clone(parsed);
    expect(Object.keys(copy)).to.deep.equal(['__proto__', 'list']);
    expect((copy as { polluted?: boolean }).polluted).to.equal(undefined);
    expect(copy.list[0]).to.not.equal(parsed.list[0]);
  });
});
