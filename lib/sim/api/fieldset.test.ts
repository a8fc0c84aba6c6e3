import { expect } from 'chai';
import {
  fromFieldsV1,
  keyPath,
  membersOf,
  mergeApplied,
  pathString,
  removeAt,
  toFieldsV1,
  trackedPart,
} from './fieldset.ts';

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'default', uid: 'u', labels: { app: 'web' }, finalizers: ['a/b'] },
  spec: { containers: [{ name: 'app', image: 'app:1', args: ['--x'] }], nodeName: 'n1' },
};

describe('field sets (managedFields FieldsV1)', () => {
  it('encodes an object as FieldsV1 with keyed items, set values and atomic lists', () => {
    expect(toFieldsV1(membersOf(trackedPart(pod)).keys())).to.deep.equal({
      'f:metadata': { 'f:finalizers': { 'v:"a/b"': {} }, 'f:labels': { 'f:app': {} } },
      'f:spec': {
        'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:args': {}, 'f:image': {}, 'f:name': {} } },
        'f:nodeName': {},
      },
    });
  });

  it('leaves server-owned metadata out of every set', () => {
    const keys = [...membersOf(trackedPart(pod)).keys()].map((k) => pathString(keyPath(k)));
    expect(keys.filter((k) => k.startsWith('.metadata'))).to.deep.equal([
      '.metadata.labels.app',
      '.metadata.finalizers[="a/b"]',
    ]);
  });

  it('decodes what it encodes', () => {
    const members = new Set(membersOf(trackedPart(pod)).keys());
    expect(fromFieldsV1(toFieldsV1(members))).to.deep.equal(members);
  });

  it('skips malformed FieldsV1 instead of throwing', () => {
    expect(fromFieldsV1({ 'f:a': 'junk', nonsense: {}, 'f:b': { 'f:c': {} } })).to.deep.equal(
      new Set([JSON.stringify(['f:b', 'f:c'])]),
    );
    expect(fromFieldsV1('junk')).to.deep.equal(new Set());
  });

  it('prints paths as the API server does in conflicts', () => {
    expect(pathString(['f:spec', 'f:containers', 'k:{"name":"app"}', 'f:image'])).to.equal(
      '.spec.containers[name="app"].image',
    );
    expect(pathString(['f:spec', 'f:ports', 'k:{"containerPort":80}'])).to.equal(
      '.spec.ports[containerPort=80]',
    );
  });

  it('merges an applied configuration: keyed items by key, sets as unions, other lists replaced', () => {
    const merged = mergeApplied(pod, {
      metadata: { finalizers: ['c/d'] },
      spec: {
        containers: [
          { name: 'app', args: ['--y'] },
          { name: 'side', image: 's:1' },
        ],
      },
    });
    const out = merged as typeof pod;
    expect(out.metadata.finalizers).to.deep.equal(['a/b', 'c/d']);
    expect(out.spec).to.deep.equal({
      containers: [
        { name: 'app', image: 'app:1', args: ['--y'] },
        { name: 'side', image: 's:1' },
      ],
      nodeName: 'n1',
    });
  });

  it('removes a field and the objects it leaves empty, but never a top-level field', () => {
    const obj = structuredClone(pod) as Record<string, unknown>;
    removeAt(obj, ['f:metadata', 'f:labels', 'f:app']);
    expect(obj.metadata).to.not.have.property('labels');
    expect(obj.metadata).to.include({ name: 'web' });
  });
});
