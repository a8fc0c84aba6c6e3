import { expect } from 'chai';
import { eventuallyPod } from './index.ts';
import { createPod, failureOf, gist, useSim } from './testing/sim-fixture.ts';

describe('toExist', () => {
  const f = useSim('m-exist');

  it('passes once the object is created', async () => {
    const waiting = eventuallyPod(f.conn, f.ns, 'born', { timeout: '30s' }).toExist();
    await createPod(f, 'born');
    expect((await waiting).metadata?.name).to.equal('born');
  });

  it('fails naming the missing object', async () => {
    const message = await failureOf(eventuallyPod(f.conn, f.ns, 'never', { timeout: '1s' }).toExist());
    expect(gist(message)).to.equal(
      'Timed out after T of 1s: expected pod m-exist/never to exist.\n  last seen: it does not exist',
    );
    expect(message).to.match(/ABSENT {4}list {3}\(not found\)/);
  });
});
