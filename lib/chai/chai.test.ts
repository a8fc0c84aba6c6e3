import * as chai from 'chai';
import chaiAsPromised from 'chai-as-promised';
import { createPod, failureOf, gist, setPodStatus, useSim } from '../matchers/testing/sim-fixture.ts';
import { kubexpectChai, node, pod, pods } from './index.ts';

chai.use(chaiAsPromised);
chai.use(kubexpectChai);
const { expect } = chai;

describe('kubexpect/chai', () => {
  const f = useSim('chai');

  it('waits with .soon and resolves to the object', async () => {
    await createPod(f, 'c1', { nodeName: 'w1' });
    const waiting = expect(pod(f.conn, f.ns, 'c1')).to.soon.be.running();
    await setPodStatus(f, 'c1', { phase: 'Running' });
    expect((await waiting).status?.phase).to.equal('Running');
  });

  it('checks throughout with .always and .during', async () => {
    await createPod(f, 'c2', { nodeName: 'w2' });
    await expect(pod(f.conn, f.ns, 'c2'))
      .to.always.be.during('1s')
      .onNode('w2');
  });

  it('fails with the same message as the entry points, .within setting the budget', async () => {
    await createPod(f, 'c3');
    const message = await failureOf(
      expect(pod(f.conn, f.ns, 'c3'))
        .to.soon.within('1s')
        .be.ready(),
    );
    expect(gist(message)).to.match(
      /^Timed out after T of 1s: expected pod chai\/c3 to be Ready\.\n {2}last seen: no Ready condition, Pending unscheduled, uid \w{8}$/,
    );
  });

  it('negates with .not and supports .exist as a property', async () => {
    await createPod(f, 'c4', { nodeName: 'w1' });
    await expect(pod(f.conn, f.ns, 'c4')).to.soon.not.be.onNode('w9');
    await expect(pod(f.conn, f.ns, 'c4')).to.soon.exist;
  });

  it('coexists with chai-as-promised and chai’s own exist and satisfy', async () => {
    await expect(Promise.resolve(3)).to.eventually.equal(3);
    expect(1).to.exist;
    expect(2).to.satisfy((n: number) => n === 2);
    expect(3).to.be.within(2, 5);
    await createPod(f, 'c5', { nodeName: 'w1', labels: { app: 'five' } });
    await expect(pods(f.conn, f.ns, { labelSelector: 'app=five' })).to.soon.have.count(1);
    const rejected = expect(pod(f.conn, f.ns, 'nope')).to.soon.within('100ms').exist;
    await expect(rejected).to.be.rejectedWith(chai.AssertionError, 'expected pod chai/nope to exist');
  });

  it('says what is missing when used without .soon or .always or on the wrong kind', () => {
    expect(() => (expect(pod(f.conn, f.ns, 'x')).to as unknown as { ready(): void }).ready()).to.throw(
      'kubexpect/chai: .ready() follows .soon (eventually) or .always (consistently)',
    );
    expect(() => expect(node(f.conn, 'n')).to.soon.be.ready()).to.throw(
      'kubexpect/chai: .ready() does not apply to a node subject',
    );
  });
});
