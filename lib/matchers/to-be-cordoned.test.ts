import { expect } from 'chai';
import { eventuallyNode } from './index.ts';
import { createNode, failureOf, gist, useSim } from './testing/sim-fixture.ts';

describe('toBeCordoned', () => {
  const f = useSim('m-cordon');

  it('passes once the node is cordoned', async () => {
    await createNode(f, 'cn1');
    const waiting = eventuallyNode(f.conn, 'cn1', { timeout: '30s' }).toBeCordoned();
    const node = await f.conn.getNode('cn1');
    node.spec = { ...node.spec, unschedulable: true };
    await f.conn.core.replaceNode({ name: 'cn1', body: node });
    expect((await waiting).spec?.unschedulable).to.equal(true);
  });

  it('fails for a schedulable node', async () => {
    await createNode(f, 'cn2');
    const message = await failureOf(eventuallyNode(f.conn, 'cn2', { timeout: '1s' }).toBeCordoned());
    expect(gist(message)).to.equal(
      'Timed out after T of 1s: expected node cn2 to be cordoned.\n  last seen: schedulable, Ready=Unknown',
    );
  });
});
