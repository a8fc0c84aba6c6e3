import { expect } from 'chai';
import { allOf, anyOf, equals, field, not, oneOf, predicate, readPath } from './index.ts';

const pod = {
  spec: { nodeName: 'a' },
  status: { phase: 'Pending', conditions: [{ type: 'Ready', status: 'False' }] },
};

describe('predicates', () => {
  it('reads dotted paths, including array indexes', () => {
    expect(readPath(pod, 'status.conditions.0.type')).to.equal('Ready');
    expect(readPath(pod, 'metadata.name')).to.equal(undefined);
  });

  it('explains a field predicate with what it saw and what it expected', () => {
    expect(field('status.phase', 'Running').test(pod)).to.deep.equal({
      pass: false,
      explain: 'status.phase is "Pending" (expected "Running")',
    });
    expect(field('spec.nodeName', 'a').test(pod)).to.deep.equal({
      pass: true,
      explain: 'spec.nodeName is "a"',
    });
  });

  it('anyOf passes on the first part that holds and names it', () => {
    const p = anyOf(field('spec.nodeName', not(equals('a'))), field('status.phase', 'Pending'));
    expect(p.test(pod)).to.deep.equal({ pass: true, explain: 'status.phase is "Pending"' });
    expect(p.description).to.equal('any of (spec.nodeName not (is "a") | status.phase is "Pending")');
  });

  it('allOf fails on the first part that does not hold and names it', () => {
    const p = allOf(field('spec.nodeName', 'a'), field('status.phase', oneOf('Running', 'Succeeded')));
    expect(p.test(pod)).to.deep.equal({
      pass: false,
      explain: 'status.phase is "Pending" (expected one of "Running", "Succeeded")',
    });
  });

  it('wraps a plain function with a description', () => {
    const p = predicate<typeof pod>('to be on a', (x) => x.spec.nodeName === 'a');
    expect(p.test(pod)).to.deep.equal({ pass: true, explain: 'to be on a' });
    expect(not(p).test(pod).pass).to.equal(false);
  });

  it('rejects empty compositions and paths at once', () => {
    expect(() => anyOf()).to.throw('anyOf needs at least one predicate');
    expect(() => field('', 1)).to.throw('field: the path must be a dotted path such as "status.phase"');
  });
});
