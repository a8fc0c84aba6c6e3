import { expect } from 'chai';
import { field, oneOf, predicate } from '../expect/index.ts';
import { resourceKind } from '../observe/index.ts';
import { consistentlyPod, eventually, eventuallyPod, objectRef } from './index.ts';
import { createPod, failureOf, gist, setPodStatus, useSim } from './testing/sim-fixture.ts';
import { createWidget, createWidgetCrd, setWidgetStatus, WIDGET } from './testing/workload-fixture.ts';

const widgets = resourceKind(`${WIDGET.group}/${WIDGET.version}`, WIDGET.kind, WIDGET.plural);

/** Lines 2… of a failure message up to the state line: the "last seen" reason with its diff. */
const diffOf = (message: string) => {
  const lines = message.split('\n');
  const end = lines.findIndex((l) => l.startsWith('  state:'));
  return lines.slice(1, end).join('\n');
};

describe('toMatchObject', () => {
  const f = useSim('m-shape');
  before(() => createWidgetCrd(f));

  it('passes on nested partial objects, elements in any order, RegExp and predicate leaves', async () => {
    await createPod(f, 's1', { nodeName: 'worker-2', labels: { app: 'db', role: 'replica' } });
    const waiting = eventuallyPod(f.conn, f.ns, 's1', { timeout: '30s' }).toMatchObject({
      metadata: { labels: { app: 'db' } },
      spec: { nodeName: /^worker-/, containers: [{ name: 'c', image: oneOf('postgres', 'postgres:16') }] },
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True' }],
      },
    });
    await setPodStatus(f, 's1', { phase: 'Running', unschedulable: 'not yet' });
    await setPodStatus(f, 's1', { ready: true });
    const pod = await waiting;
    expect(pod.spec?.nodeName).to.equal('worker-2');
  });

  it('fails with only the differing paths of the last observed object, expected vs actual', async () => {
    await createPod(f, 's2', { nodeName: 'worker-1', labels: { app: 'db' } });
    await setPodStatus(f, 's2', { phase: 'Pending', ready: false });
    const message = await failureOf(
      eventuallyPod(f.conn, f.ns, 's2', { timeout: '1s' }).toMatchObject({
        metadata: { labels: { app: 'db', role: 'primary' } },
        spec: { nodeName: /^worker-2/, containers: [{ name: 'c', image: 'postgres' }, { name: 'sidecar' }] },
        status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
      }),
    );
    expect(gist(message).split('\n')[0]).to.equal(
      'Timed out after T of 1s: expected pod m-shape/s2 to match { metadata: { labels: { app: "db", role: "primary" } }, spec: { nodeName: /^worker-2/, containers: ….',
    );
    expect(diffOf(message)).to.equal(
      [
        '  last seen: 5 paths differ from the expected shape:',
        '    metadata.labels.role: expected "primary", got unset',
        '    spec.nodeName: expected a string matching /^worker-2/, got "worker-1"',
        '    spec.containers[name=sidecar]: expected { name: "sidecar" }, got no such element',
        '    status.phase: expected "Running", got "Pending"',
        '    status.conditions[type=Ready].status: expected "True", got "False"',
      ].join('\n'),
    );
  });

  it('explains predicates and elements without a name in the diff', async () => {
    await createWidget(f, 'w1', { replicas: 2, args: ['--verbose'] });
    await setWidgetStatus(f, 'w1', { readyReplicas: 1 });
    const message = await failureOf(
      eventually(f.conn, objectRef(widgets, f.ns, 'w1'), { timeout: '1s' }).toMatchObject({
        spec: { args: ['--quiet'] },
        status: {
          readyReplicas: predicate('is at least 2', (n) => typeof n === 'number' && n >= 2),
          endpoint: field('host', oneOf('db-rw', 'db-ro')),
        },
      }),
    );
    expect(diffOf(message)).to.equal(
      [
        '  last seen: 3 paths differ from the expected shape:',
        '    spec.args: expected an element matching "--quiet", got ["--verbose"]',
        '    status.readyReplicas: expected is at least 2, got 1',
        '    status.endpoint: expected host is one of "db-rw", "db-ro", got unset (host is unset (expected one of "db-rw", "db-ro"))',
      ].join('\n'),
    );
  });

  it('with consistently and .not, fails at the first state that passes through the shape', async () => {
    await createPod(f, 's3', { nodeName: 'worker-1' });
    await setPodStatus(f, 's3', { phase: 'Running' });
    const holding = consistentlyPod(f.conn, f.ns, 's3', { for: '3s' }).not.toMatchObject({
      status: { phase: 'Pending' },
    });
    await setPodStatus(f, 's3', { phase: 'Pending' });
    await setPodStatus(f, 's3', { phase: 'Running' });
    const message = await failureOf(holding);
    expect(gist(message)).to.equal(
      'Failed after T of 3s: expected pod m-shape/s3 not to match { status: { phase: "Pending" } } throughout, but it was not.\n' +
        '  violation: it matches the expected shape',
    );
  });

  it('rejects shapes it cannot judge at the call', () => {
    expect(() =>
      eventuallyPod(f.conn, f.ns, 'x').toMatchObject({
        metadata: { creationTimestamp: new Date() },
      } as never),
    ).to.throw(
      TypeError,
      'toMatchObject: metadata.creationTimestamp is a Date; use a plain value, a nested object, an array, a RegExp or a predicate',
    );
    expect(() => eventuallyPod(f.conn, f.ns, 'x').toMatchObject([] as never)).to.throw(
      TypeError,
      'toMatchObject: expected a partial object',
    );
  });
});
