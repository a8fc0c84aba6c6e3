import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, use } from 'chai';
import chaiAsPromised from 'chai-as-promised';
import { classifyStorage } from './classify.ts';
import { loadProfilesFromEnv } from './profile-env.ts';
import { parseStorageProfiles, StorageProfileFileError } from './profile-file.ts';
import { findStorageProfile, registerStorageProfile } from './registry.ts';

use(chaiAsPromised);

function problemsOf(text: string): string[] {
  try {
    parseStorageProfiles(text, 'p.yaml');
  } catch (err) {
    if (err instanceof StorageProfileFileError)
      return err.problems.map((p) => `${p.line}:${p.field}: ${p.message}`);
    throw err;
  }
  return [];
}

describe('storage profile files', () => {
  it('reads the example file in fixtures/', async () => {
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(
      new URL('../../fixtures/storage-profiles.example.yaml', import.meta.url),
      'utf8',
    );
    const profiles = parseStorageProfiles(text, 'example.yaml');
    expect(profiles.map((p) => [p.profile.name, p.location])).to.deep.equal([
      ['acme-block', 'example.yaml:7'],
      ['pinned-rbd', 'example.yaml:22'],
    ]);
  });

  it('names the line and field of an invalid value', () => {
    const text = [
      'profiles:',
      '  - name: a',
      '    match: { provisioner: x.example }',
      '    mobility: anywhere',
      '',
    ].join('\n');
    expect(problemsOf(text)).to.deep.equal([
      '4:profiles[0].mobility: must be one of node, zone, cluster, unknown, got "anywhere"',
    ]);
  });

  it('reports a missing field on the line of the profile that lacks it', () => {
    const text = [
      'profiles:',
      '  - name: ok',
      '    mobility: node',
      '    match: { provisioner: a }',
      '  - name: b',
      '    mobility: node',
      '',
    ].join('\n');
    expect(problemsOf(text)).to.deep.equal([
      '5:profiles[1].match: must be a mapping with provisioner, storageClass and/or parameters, got nothing',
    ]);
  });

  it('reports every problem at once, unknown fields and wrong types included', () => {
    const text = [
      'profiles:',
      '  - name: a',
      '    match: { provisioner: a, parameter: { x: y } }',
      '    mobility: zone',
      '    accessModes: [ReadWriteOnce, RWX]',
      '    delays: { attachDetachSeconds: -1 }',
      '    expansion: "yes"',
      '',
    ].join('\n');
    expect(problemsOf(text)).to.deep.equal([
      '3:profiles[0].match.parameter: unknown field; expected one of provisioner, storageClass, parameters',
      '5:profiles[0].accessModes[1]: must be one of ReadWriteOnce, ReadOnlyMany, ReadWriteMany, ReadWriteOncePod, got "RWX"',
      '6:profiles[0].delays.attachDetachSeconds: must be a number of seconds >= 0, got -1',
      '7:profiles[0].expansion: must be true or false, got "yes"',
    ]);
  });

  it('reports a YAML syntax error with its line', () => {
    const problems = problemsOf('profiles:\n  - name: a\n    match: { provisioner: a\n');
    expect(problems).to.have.length.greaterThan(0);
    expect(problems[0]).to.match(/^\d+:\(syntax\): /);
  });

  it('rejects a file without a profiles list, saying what it expected', () => {
    expect(problemsOf('profile:\n  - name: a\n')).to.deep.equal([
      '1:profiles: expected a list of profiles under "profiles:" (or a top-level list); found profile',
    ]);
  });

  it('rejects duplicate profile names', () => {
    const one = '  - name: a\n    match: { provisioner: a }\n    mobility: node\n';
    expect(problemsOf(`profiles:\n${one}${one}`)).to.deep.equal([
      '5:profiles[1].name: duplicate profile name "a" (first at profiles[0])',
    ]);
  });

  it('accepts JSON, which is YAML', () => {
    const json = JSON.stringify([{ name: 'j', match: { storageClass: 'fast' }, mobility: 'cluster' }]);
    expect(parseStorageProfiles(json, 'p.json').map((p) => p.profile.name)).to.deep.equal(['j']);
  });

  it('makes a profile file named by KUBEXPECT_STORAGE_PROFILES override a built-in row', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kubexpect-profiles-'));
    const file = join(dir, 'profiles.yaml');
    await writeFile(
      file,
      'profiles:\n  - name: kind-shared\n    match: { provisioner: rancher.io/local-path }\n    mobility: cluster\n',
    );
    try {
      await loadProfilesFromEnv({ KUBEXPECT_STORAGE_PROFILES: file });
      const v = classifyStorage({
        storageClass: { metadata: { name: 'standard' }, provisioner: 'rancher.io/local-path' },
        persistentVolumes: [],
        nodes: [],
      });
      expect([v.profile, v.mobility.value]).to.deep.equal(['kind-shared', 'cluster']);
      expect(v.mobility.evidence[0]?.detail).to.equal(
        `profile kind-shared (from ${file}:2) says mobility cluster`,
      );
    } finally {
      await loadProfilesFromEnv({});
    }
    expect(
      findStorageProfile({ name: 'standard', provisioner: 'rancher.io/local-path' })?.profile.name,
    ).to.equal('local-path');
  });

  it('rejects detection while the named profile file is invalid', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kubexpect-profiles-'));
    const file = join(dir, 'bad.yaml');
    await writeFile(file, 'profiles:\n  - name: x\n    match: { provisioner: a }\n    mobility: 3\n');
    await expect(loadProfilesFromEnv({ KUBEXPECT_STORAGE_PROFILES: file })).to.be.rejectedWith(
      `storage profile file ${file} is invalid:\n  line 4, column 15: profiles[0].mobility: must be one of node, zone, cluster, unknown, got 3`,
    );
    await loadProfilesFromEnv({});
  });
});

describe('registerStorageProfile', () => {
  it('rejects an invalid profile at once, naming each field', () => {
    expect(() => registerStorageProfile({ name: 'bad', match: {}, mobility: 'somewhere' } as never)).to.throw(
      'registerStorageProfile: profile "bad" is invalid:\n  match: must name a provisioner or a storageClass (a profile that matches everything is a mistake)\n  mobility: must be one of node, zone, cluster, unknown, got "somewhere"',
    );
  });

  it('prefers a more specific user profile, then the latest registered', () => {
    const removeA = registerStorageProfile({
      name: 'any-acme',
      match: { provisioner: 'acme.io/*' },
      mobility: 'zone',
    });
    const removeB = registerStorageProfile({
      name: 'acme-fast',
      match: { provisioner: 'acme.io/block', storageClass: 'fast' },
      mobility: 'node',
    });
    const removeC = registerStorageProfile({
      name: 'any-acme-2',
      match: { provisioner: 'acme.io/*' },
      mobility: 'cluster',
    });
    try {
      expect(findStorageProfile({ name: 'fast', provisioner: 'acme.io/block' })?.profile.name).to.equal(
        'acme-fast',
      );
      expect(findStorageProfile({ name: 'slow', provisioner: 'acme.io/block' })?.profile.name).to.equal(
        'any-acme-2',
      );
    } finally {
      removeA();
      removeB();
      removeC();
    }
    expect(findStorageProfile({ name: 'slow', provisioner: 'acme.io/block' })).to.equal(undefined);
  });
});
