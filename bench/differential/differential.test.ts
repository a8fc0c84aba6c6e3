/**
 * The differential's own parts, without a cluster: the corpus loads and is big enough, templates
 * resolve, answers normalise to what is compared, and the table reads as users read it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { loadCorpus, type Step } from './corpus.ts';
import { canonical, normalise } from './normalise.ts';
import { readPath } from './paths.ts';
import { agreementLine, renderReport, type SequenceResult, tally } from './report.ts';
import { render, TemplateError } from './template.ts';

const step = (over: Partial<Step> = {}): Step => ({ method: 'GET', path: '/x', expect: 200, ...over });

describe('differential corpus', () => {
  it('holds at least 200 sequences, each declaring the real status of every step', () => {
    const corpus = loadCorpus();
    expect(corpus.length).to.be.at.least(200);
    for (const seq of corpus)
      for (const s of seq.steps) expect(s.expect, `${seq.theme}/${seq.name}`).to.not.equal(undefined);
  });

  it('names the file, the sequence and the key of a mistake', () => {
    const dir = mkdtempSync(join(tmpdir(), 'corpus-'));
    writeFileSync(
      join(dir, 'bad.yaml'),
      'sequences:\n  - name: oops\n    steps:\n      - path: /api\n        expect: 200\n        wait: 1\n',
    );
    expect(() => loadCorpus(dir)).to.throw('bad.yaml: sequence 1 (oops) step 1: unknown key "wait"');
  });
});

describe('differential templates', () => {
  const scope = {
    ns: 'dx-1',
    run: 'r',
    answers: new Map<string, unknown>([['made', { metadata: { resourceVersion: '42', generation: 3 } }]]),
  };

  it('substitutes the namespace and earlier answers, keeping a whole template its type', () => {
    expect(
      render(
        {
          path: '/ns/{{ns}}/x',
          rv: '{{made.metadata.resourceVersion}}',
          gen: '{{made.metadata.generation}}',
        },
        scope,
      ),
    ).to.deep.equal({
      path: '/ns/dx-1/x',
      rv: '42',
      gen: 3,
    });
  });

  it('refuses a reference to an answer that does not exist', () => {
    expect(() => render('{{ghost.metadata.uid}}', scope)).to.throw(
      TemplateError,
      'no answer from a step named ghost',
    );
  });
});

describe('differential paths and normalisation', () => {
  it('reads every element, one element, a matching element and quoted keys', () => {
    const doc = {
      items: [{ metadata: { name: 'a' } }, { metadata: { name: 'b' } }],
      defs: { 'io.k8s.Pod': 1 },
    };
    expect(readPath(doc, 'items[].metadata.name')).to.deep.equal(['a', 'b']);
    expect(readPath(doc, 'items[1].metadata.name')).to.equal('b');
    expect(readPath(doc, 'items[metadata/name=b].metadata.name')).to.equal('b');
    expect(readPath(doc, "defs.'io.k8s.Pod'")).to.equal(1);
  });

  it('keeps what clients depend on and replaces what differs by nature', () => {
    const answer = {
      status: 201,
      contentType: 'application/json',
      warnings: [],
      body: {
        kind: 'Pod',
        apiVersion: 'v1',
        metadata: {
          name: 'web-x7k2p',
          generateName: 'web-',
          uid: 'b1c2',
          resourceVersion: '9',
          creationTimestamp: '2026-01-01T00:00:00Z',
        },
        spec: { volumes: [{ name: 'kube-api-access-abcde' }] },
        status: { phase: 'Pending' },
      },
    };
    const n = normalise(answer, step());
    expect(n).to.deep.equal({
      status: 201,
      body: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'web-*', uid: '<set>', resourceVersion: '<set>', creationTimestamp: 'set' },
        spec: { volumes: [{ name: 'kube-api-access-<rand>' }] },
      },
    });
  });

  it('reduces a Status to reason, code, causes and whether the message matches the pattern', () => {
    const body = {
      kind: 'Status',
      status: 'Failure',
      reason: 'Invalid',
      code: 422,
      message: 'ConfigMap "x" is invalid: data: Invalid value',
      details: {
        name: 'x',
        kind: 'ConfigMap',
        causes: [{ field: 'data', reason: 'FieldValueInvalid', message: 'long text' }],
      },
    };
    const n = normalise(
      { status: 422, contentType: 'application/json', warnings: [], body },
      step({ message: 'is invalid' }),
    );
    expect(canonical(n)).to.equal(
      canonical({
        status: 422,
        body: {
          kind: 'Status',
          status: 'Failure',
          reason: 'Invalid',
          code: 422,
          details: { name: 'x', kind: 'ConfigMap', causes: ['data: FieldValueInvalid'] },
          'message ~ /is invalid/': true,
        },
      }),
    );
  });
});

describe('differential table', () => {
  it('counts a sequence as agreeing only when every step agrees, and shows both answers of a mismatch', () => {
    const seq = {
      theme: 'pods',
      name: 'spec-change',
      client: 'kubectl' as const,
      steps: [step(), step({ method: 'PATCH' })],
    };
    const results: SequenceResult[] = [
      {
        seq,
        real: {
          problems: [],
          steps: [
            { answer: { status: 201 }, problems: [] },
            { answer: { status: 422 }, problems: [] },
          ],
        },
        sim: {
          problems: [],
          steps: [
            { answer: { status: 201 }, problems: [] },
            { answer: { status: 200 }, problems: [] },
          ],
        },
      },
    ];
    expect(agreementLine(tally(results))).to.equal(
      'differential: 0/1 sequences agree (0.0%), 1/2 steps (50.0%)',
    );
    const md = renderReport(results, {});
    expect(md).to.include('| status 422 (real) vs 200 (sim) | 1 |');
    expect(md).to.include('### pods/spec-change, step 2: PATCH /x');
    expect(md).to.include('real: {"status":422}');
    expect(md).to.include('sim:  {"status":200}');
  });

  it('leaves preparation steps out of the count', () => {
    const seq = {
      theme: 'crds',
      name: 'install',
      client: 'kubectl' as const,
      steps: [step({ setup: true }), step()],
    };
    const results: SequenceResult[] = [
      {
        seq,
        real: {
          problems: [],
          steps: [
            { answer: { status: 201 }, problems: [], setup: true },
            { answer: { status: 200 }, problems: [] },
          ],
        },
        sim: {
          problems: [],
          steps: [
            { answer: { status: 200 }, problems: [], setup: true },
            { answer: { status: 200 }, problems: [] },
          ],
        },
      },
    ];
    expect(agreementLine(tally(results))).to.equal(
      'differential: 1/1 sequences agree (100.0%), 1/1 steps (100.0%)',
    );
  });
});
