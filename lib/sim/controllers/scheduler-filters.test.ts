import { expect } from 'chai';
import type { KObject } from '../api/types.ts';
import { evaluate, fitErrorMessage, type Snapshot, scoreNodes } from './scheduler-filters.ts';

function node(
  name: string,
  extra: { labels?: Record<string, string>; taints?: unknown[]; unschedulable?: boolean } = {},
): KObject {
  return {
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...extra.labels } },
    spec: { taints: extra.taints, unschedulable: extra.unschedulable },
    status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110' } },
  };
}

function pod(name: string, spec: Record<string, unknown> = {}, labels?: Record<string, string>): KObject {
  return {
    metadata: { name, namespace: 'default', labels },
    spec: { containers: [{ name: 'c', image: 'x' }], ...spec },
  };
}

function snapshot(
  nodes: KObject[],
  placed: Record<string, KObject[]> = {},
  claims: KObject[] = [],
): Snapshot {
  return {
    nodes,
    podsOn: (n) => placed[n] ?? [],
    pvc: (ns, name) => claims.find((c) => c.metadata.namespace === ns && c.metadata.name === name),
    pv: () => undefined,
    pvs: () => [],
    storageClass: () => undefined,
  };
}

describe('scheduler filters and FitError messages', () => {
  it('sorts reasons as strings, so a count of 10 comes before a count of 2', () => {
    const nodes = [
      ...Array.from({ length: 10 }, (_, i) => node(`a${i}`, { unschedulable: true })),
      node('b0', { taints: [{ key: 'k', effect: 'NoSchedule' }] }),
      node('b1', { taints: [{ key: 'k', effect: 'NoSchedule' }] }),
    ];
    const p = pod('p');
    const result = evaluate(p, snapshot(nodes));
    expect(fitErrorMessage(p, result, nodes.length)).to.equal(
      '0/12 nodes are available: 10 node(s) were unschedulable, 2 node(s) had untolerated taint(s). ' +
        'no new claims to deallocate, preemption: 0/12 nodes are available: 12 Preemption is not helpful for scheduling.',
    );
  });

  it('lets a pod that tolerates every taint and the cordon taint onto a cordoned, tainted node', () => {
    const p = pod('p', { tolerations: [{ operator: 'Exists' }] });
    const result = evaluate(
      p,
      snapshot([node('n', { unschedulable: true, taints: [{ key: 'x', effect: 'NoExecute' }] })]),
    );
    expect(result.feasible.map((n) => n.metadata.name)).to.deep.equal(['n']);
  });

  it('says a pod that may not preempt is not eligible, instead of listing preemption results', () => {
    const p = pod('p', { preemptionPolicy: 'Never', nodeSelector: { disk: 'ssd' } });
    const nodes = [node('n')];
    expect(fitErrorMessage(p, evaluate(p, snapshot(nodes)), 1)).to.equal(
      "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. no new claims to deallocate, not eligible due to preemptionPolicy=Never.",
    );
  });

  it('rejects a pod with an unbound claim of no class before filtering nodes', () => {
    const claim: KObject = {
      metadata: { name: 'data', namespace: 'default' },
      spec: { storageClassName: '' },
    };
    const p = pod('p', { volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }] });
    const result = evaluate(p, snapshot([node('n')], {}, [claim]));
    expect(fitErrorMessage(p, result, 1)).to.equal(
      '0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.',
    );
  });

  it('matches required node affinity terms as ORed terms of ANDed expressions, and metadata.name fields', () => {
    const affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            {
              matchExpressions: [
                { key: 'zone', operator: 'In', values: ['a'] },
                { key: 'gpu', operator: 'DoesNotExist' },
              ],
            },
            { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['special'] }] },
          ],
        },
      },
    };
    const nodes = [
      node('a-gpu', { labels: { zone: 'a', gpu: 'yes' } }),
      node('a-plain', { labels: { zone: 'a' } }),
      node('b-plain', { labels: { zone: 'b' } }),
      node('special', { labels: { zone: 'c' } }),
    ];
    const result = evaluate(pod('p', { affinity }), snapshot(nodes));
    expect(result.feasible.map((n) => n.metadata.name)).to.deep.equal(['a-plain', 'special']);
  });

  it('prefers the node without a matching pod under preferred anti-affinity', () => {
    const labels = { app: 'db' };
    const affinity = {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          {
            weight: 100,
            podAffinityTerm: {
              labelSelector: { matchLabels: labels },
              topologyKey: 'kubernetes.io/hostname',
            },
          },
        ],
      },
    };
    const nodes = [node('busy'), node('free')];
    const snap = snapshot(nodes, { busy: [pod('db-0', {}, labels)] });
    const scores = scoreNodes(pod('db-1', { affinity }, labels), nodes, snap);
    expect(scores.get('free')).to.be.greaterThan(scores.get('busy')!);
  });
});
