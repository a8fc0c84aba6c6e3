import { expect } from 'chai';
import { parseLabelFilter } from './label-filter.ts';
import { Label } from './decorators.ts';

describe('parseLabelFilter', () => {
  const drain = ['disruptive', 'maintenance', 'Serial-ish'];

  it('matches a single label case-insensitively', () => {
    expect(parseLabelFilter('DISRUPTIVE')(drain)).to.equal(true);
    expect(parseLabelFilter('smoke')(drain)).to.equal(false);
  });

  it('gives ! a higher precedence than && and && a higher one than ||', () => {
    expect(parseLabelFilter('smoke || disruptive && !maintenance')(drain)).to.equal(false);
    expect(parseLabelFilter('(smoke || disruptive) && maintenance')(drain)).to.equal(true);
  });

  it('treats a comma as ||', () => {
    expect(parseLabelFilter('smoke, maintenance')(drain)).to.equal(true);
  });

  it('matches /regex/ against any label', () => {
    expect(parseLabelFilter('/^main/')(drain)).to.equal(true);
    expect(parseLabelFilter('!/^self/')(drain)).to.equal(true);
  });

  it('matches everything when the filter is blank', () => {
    expect(parseLabelFilter('  ')([])).to.equal(true);
  });

  it('names the column of a syntax error', () => {
    expect(() => parseLabelFilter('disruptive &&')).to.throw(
      'Invalid label filter "disruptive &&": a label expected but the filter ended at column 14',
    );
    expect(() => parseLabelFilter('a & b')).to.throw(
      'Invalid label filter "a & b": a single "&"; write "&&" at column 3',
    );
    expect(() => parseLabelFilter('(a || b')).to.throw(
      'Invalid label filter "(a || b": a missing ")" at column 8',
    );
    expect(() => parseLabelFilter('a b)')).to.throw(
      'Invalid label filter "a b)": unexpected ")" at column 4',
    );
  });

  it('refuses labels that the filter language could not express', () => {
    expect(() => Label('a&b')).to.throw(
      'Label: "a&b" contains one of the characters & | ! , ( ) / that the label filter language reserves; rename it',
    );
  });
});
