/** The benchmarks section of BENCHMARKS.md for the real control plane (npm run bench:real). */
import type { Machine } from '../support/machine.ts';
import type { Summary } from '../support/stats.ts';
import type { DetectionSample } from './detection.ts';
import { table } from './markdown.ts';

export interface RealBenchResults {
  command: string;
  date: string;
  machine: Machine;
  version: string;
  wallSeconds: number;
  detection: {
    storage: 'pinned' | 'movable';
    outcomes: string[];
    parties: { party: string; latencyMs: Summary; requests: Summary }[];
  }[];
  startup: { realMs: number; embeddedMs: number; ratio: number };
  samples: DetectionSample[];
}

export function renderRealBench(r: RealBenchResults): string {
  const m = r.machine;
  const rows = r.detection.flatMap((d) =>
    d.parties.map((p) => [
      `${d.storage} (${d.outcomes.join(', ')})`,
      p.party === 'kubexpect'
        ? "kubexpect `toBeRescheduledOrPending({ expect: 'auto' })`"
        : `GET every ${p.party.slice(5)}`,
      p.latencyMs.n,
      p.latencyMs.p50,
      Math.round(p.latencyMs.mean),
      p.latencyMs.max,
      p.requests.mean,
    ]),
  );
  return [
    '## Benchmarks on the real control plane',
    '',
    `Command: \`${r.command}\` — ${r.date}, ${r.wallSeconds} s in all. Raw figures: \`bench/real/results.json\`.  `,
    `Machine: Node ${m.node} on ${m.platform}, ${m.cpuCount} × ${m.cpuModel}; 1-minute load average ${m.loadAverage1m} at the start (shared machine).`,
    '',
    `### Detection latency and API requests (${r.version}, kind preset)`,
    '',
    "A one-replica StatefulSet on `standard` (static PVs pinned by hostname) or `standard-rwo` (static PVs without node affinity) is drained with `drainNode`; the StatefulSet controller recreates the pod and the real scheduler decides. kubexpect's assertion and two polling loops (a GET every 1 s and every 5 s, each judging the same thing: a new instance Unschedulable or bound to another node; each started at a random phase of its interval) all begin before the drain, one sample at a time. Latency is from the drain's last write (the eviction request's answer) to each verdict, so it includes the controller-manager's and the scheduler's reaction, the same for all three. Requests are those each party's own code sent from its start to its verdict (counted per party with an AsyncLocalStorage context on Node's HTTP client diagnostics channel): kubexpect's include its shared watch cache's LIST and WATCH and what `expect: 'auto'` reads to classify the storage.",
    '',
    table(
      ['storage (outcome)', 'method', 'samples', 'p50 (ms)', 'mean (ms)', 'max (ms)', 'requests (mean)'],
      rows,
    ),
    '',
    `kubexpect's requests in one sample (${r.samples[0]?.storage ?? ''}): ${(r.samples[0]?.kubexpectRequests ?? []).map((x) => `\`${x}\``).join(', ')}. They do not grow with the window: one LIST and one WATCH per namespace whatever the wait's length, the rest is reading the pod's storage once for \`expect: 'auto'\`. A poll's requests grow with the window (one per interval), so over a single short wait like this one polling sends fewer; the embedded benchmarks above show where that turns with many assertions and longer windows.`,
    '',
    '### Start-up: embedded cluster against the real control plane (one run each)',
    '',
    table(
      ['cluster', 'start-up (ms)'],
      [
        ['embedded `kind` preset (`startCluster`, time scale 0.01, DaemonSets ready)', r.startup.embeddedMs],
        [
          `real control plane \`kind\` preset (\`startControlPlane\`: etcd, kube-apiserver, controller-manager, scheduler, kwok; nodes Ready, storage, default ServiceAccount; binaries cached)`,
          r.startup.realMs,
        ],
      ],
    ),
    '',
    `The real control plane takes **${r.startup.ratio}×** as long to start as the embedded cluster.`,
    '',
  ].join('\n');
}
