import { expect } from 'chai';
import { eventuallyPod } from './index.ts';
import { createPod, deletePod, failureOf, gist, useSim } from './testing/sim-fixture.ts';

describe('toBeDeleted', () => {
  const f = useSim('m-deleted');

  it('passes when the object goes away', async () => {
    await createPod(f, 'doomed');
    const waiting = eventuallyPod(f.conn, f.ns, 'doomed', { timeout: '2s' }).toBeDeleted();
    await deletePod(f, 'doomed');
    expect(await waiting).to.equal(undefined);
  });

  it('fails while it still exists, terminating or not', async () => {
    await createPod(f, 'stays');
    const message = await failureOf(eventuallyPod(f.conn, f.ns, 'stays', { timeout: '200ms' }).toBeDeleted());
    expect(gist(message)).to.match(
      /^Timed out after T of 200ms: expected pod m-deleted\/stays to be deleted\.\n {2}last seen: it still exists \(uid \w{8}\)$/,
    );
  });
});
