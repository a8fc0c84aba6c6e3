import { expect } from 'chai';
import { eventuallyPod, eventuallyPvc, nodeRef, podRef } from './index.ts';
import { createPod, deletePod, failureOf, gist, useSim } from './testing/sim-fixture.ts';

describe('toBeDeleted', () => {
  const f = useSim('m-deleted');

  it('passes when the object goes away', async () => {
    await createPod(f, 'doomed');
    const waiting = eventuallyPod(f.conn, f.ns, 'doomed', { timeout: '30s' }).toBeDeleted();
    await deletePod(f, 'doomed');
    expect(await waiting).to.equal(undefined);
  });

  it('fails while it still exists, terminating or not', async () => {
    await createPod(f, 'stays');
    const message = await failureOf(eventuallyPod(f.conn, f.ns, 'stays', { timeout: '1s' }).toBeDeleted());
    expect(gist(message)).to.match(
      /^Timed out after T of 1s: expected pod m-deleted\/stays to be deleted\.\n {2}last seen: it still exists \(uid \w{8}\)$/,
    );
  });
  it('refuses, at the call, names and namespaces that can never exist instead of passing at once', () => {
    const subdomain =
      "is not a lowercase RFC 1123 subdomain: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, so no such object can exist";
    expect(() => eventuallyPod(f.conn, f.ns, 'a/b').toBeDeleted()).to.throw(
      TypeError,
      `Pod name "a/b" ${subdomain}`,
    );
    expect(() => eventuallyPvc(f.conn, f.ns, 'Bad_Name').toBeDeleted()).to.throw(
      TypeError,
      `PersistentVolumeClaim name "Bad_Name" ${subdomain}`,
    );
    expect(() => eventuallyPod(f.conn, f.ns, 'x'.repeat(300)).toBeDeleted()).to.throw(
      TypeError,
      `Pod name "${'x'.repeat(60)}"… (300 characters) is too long: at most 253 characters`,
    );
    expect(() => eventuallyPod(f.conn, 'My.Namespace', 'web-0')).to.throw(
      TypeError,
      `Pod namespace "My.Namespace" is not a lowercase RFC 1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, so no such object can exist`,
    );
    expect(() => podRef('n'.repeat(64), 'web-0')).to.throw(TypeError, 'is too long: at most 63 characters');
    expect(() => nodeRef(undefined as unknown as string)).to.throw(
      TypeError,
      'Node name must be a non-empty string, got undefined',
    );
    expect(podRef(f.ns, 'web-0.db')).to.include({ name: 'web-0.db' });
  });
});
