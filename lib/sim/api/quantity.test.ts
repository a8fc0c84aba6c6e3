/**
 * resource.Quantity parsing and canonical forms. The `measured` rows are kube-apiserver v1.36.3's
 * answers to bench/differential/corpus/validation.yaml (quantity-canonical-forms and friends); the
 * others follow apimachinery's quantity_test.go.
 */
import { expect } from 'chai';
import {
  compareQuantities,
  normaliseQuantity,
  parseQuantity,
  QUANTITY_FORMAT_WRONG,
  QuantityError,
  quantityValue,
  roundUpToMilli,
} from './quantity.ts';

const measured: [string, string][] = [
  ['0.5', '500m'],
  ['1024Mi', '1Gi'],
  ['1.5Gi', '1536Mi'],
  ['1500m', '1500m'],
  ['0.1', '100m'],
  ['1e3', '1e3'],
  ['100M', '100M'],
  ['2000m', '2'],
  ['512Ki', '512Ki'],
  ['0.5Ki', '512'],
  ['+1', '+1'],
  ['01', '01'],
  ['8Ei', '9223372036854775807'],
  ['1000E', '1'],
  ['1024Ki', '1Mi'],
  ['1e4', '10e3'],
  ['1.', '1.'],
  ['0.1Ki', '102400m'],
  ['3.5Gi', '3584Mi'],
  ['1000', '1k'],
  [' 2 ', '2'],
  ['1025Ki', '1025Ki'],
  ['12e6', '12e6'],
];

const fromApimachinery: [string, string][] = [
  ['0', '0'],
  ['0Gi', '0'],
  ['1.2345', '1234500u'],
  ['0.9n', '1n'],
  ['1.5n', '2n'],
  ['-1.5n', '-2n'],
  ['1e-12', '1e-9'],
  ['1Gi', '1Gi'],
  ['1.5Ki', '1536'],
  ['-1Ki', '-1Ki'],
  ['1.0', '1'],
  ['-0.5', '-500m'],
  ['0.5Mi', '512Ki'],
  ['1024', '1024'],
  ['100', '100'],
  ['1k', '1k'],
  ['1E', '1E'],
  ['0.000000001', '1n'],
];

describe('resource.Quantity', () => {
  describe('canonical forms the real server writes', () => {
    for (const [input, output] of measured) {
      it(`writes ${JSON.stringify(input)} as ${JSON.stringify(output)}`, () => {
        expect(normaliseQuantity(input)).to.equal(output);
      });
    }
  });

  describe('canonical forms from apimachinery', () => {
    for (const [input, output] of fromApimachinery) {
      it(`writes ${JSON.stringify(input)} as ${JSON.stringify(output)}`, () => {
        expect(normaliseQuantity(input)).to.equal(output);
      });
    }
  });

  it('reads a JSON number as the text it spells', () => {
    expect(normaliseQuantity(0.25)).to.equal('250m');
    expect(normaliseQuantity(2)).to.equal('2');
  });

  it('rounds the values of a ResourceList up to milli, away from zero', () => {
    expect(normaliseQuantity('1.2345', true)).to.equal('1235m');
    expect(normaliseQuantity('0.9n', true)).to.equal('1m');
    expect(normaliseQuantity('-1500u', true)).to.equal('-2m');
    expect(normaliseQuantity('1000u', true)).to.equal('1m');
    // Coarser values keep their text.
    expect(normaliseQuantity('+1', true)).to.equal('+1');
    expect(roundUpToMilli(parseQuantity('1Gi')).text).to.equal('1Gi');
  });

  it('refuses malformed text with the decoder message', () => {
    for (const bad of ['lots', '1Z', '', '1.2.3', '1.5 Gi']) {
      expect(() => parseQuantity(bad), bad).to.throw(QuantityError, QUANTITY_FORMAT_WRONG);
    }
  });

  it('refuses an unknown suffix', () => {
    for (const bad of ['1ki', '1ee3', '1mi', '1e', '--1']) {
      expect(() => parseQuantity(bad), bad).to.throw(QuantityError, "unable to parse quantity's suffix");
    }
  });

  it('gives the value in base units for scheduling arithmetic', () => {
    expect(quantityValue(parseQuantity('500m'))).to.equal(0.5);
    expect(quantityValue(parseQuantity('1.5Gi'))).to.equal(1.5 * 2 ** 30);
    expect(quantityValue(parseQuantity('100M'))).to.equal(1e8);
    expect(quantityValue(parseQuantity('12e6'))).to.equal(12e6);
  });

  it('compares values, not texts', () => {
    const q = (s: string) => parseQuantity(s);
    expect(compareQuantities(q('1'), q('1000m'))).to.equal(0);
    expect(compareQuantities(q('2'), q('1'))).to.equal(1);
    expect(compareQuantities(q('1Gi'), q('1G'))).to.equal(1);
    expect(compareQuantities(q('-1'), q('0'))).to.equal(-1);
    expect(compareQuantities(q('1e100000'), q('8Ei'))).to.equal(1);
    expect(compareQuantities(q('-1e100000'), q('-1'))).to.equal(-1);
  });
});
