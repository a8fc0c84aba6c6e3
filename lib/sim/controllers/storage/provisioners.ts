/**
 * Provisioners as data: what each simulated provisioner (and its CSI attacher) does, how far its
 * volumes can follow a pod (`mobility`), and how long its operations take. Presets pick and tune
 * entries; users add their own. Latencies are realistic milliseconds, scaled by the time scale.
 */
import { type Random, randomNameSuffix } from '../../random.ts';

/**
 * How far a volume can follow its pod: `node` (pinned to the node it was created on, like
 * rancher.io/local-path), `zone` (any node of its zone, like a cloud disk), `cluster` (anywhere,
 * like Ceph RBD).
 */
export type Mobility = 'node' | 'zone' | 'cluster';

/** A uniformly drawn duration range in realistic milliseconds. */
export interface LatencyRange {
  min: number;
  max: number;
}

export interface ProvisionerLatencies {
  /** From the claim being ready to provision to the PV existing. */
  provision: LatencyRange;
  /** From the PV being Released (reclaim Delete) to the PV being gone. */
  delete: LatencyRange;
  /** From the VolumeAttachment's creation to status.attached (CSI only). */
  attach: LatencyRange;
  /** From the VolumeAttachment's deletion to it being gone (CSI only). */
  detach: LatencyRange;
}

export interface VolumeHandleContext {
  pvName: string;
  /** The zone the volume is created in, when it has one. */
  zone: string | undefined;
  random: Random;
}

export interface Provisioner {
  /** The StorageClass `provisioner`; for CSI also the driver name. */
  name: string;
  mobility: Mobility;
  /** The PV source: node-local `hostPath`/`local`, or a `csi` driver. */
  source: 'hostPath' | 'local' | 'csi';
  /** Node label whose value pins `zone` volumes. Default `topology.kubernetes.io/zone`. */
  topologyKey?: string;
  /** Directory under which node-local volumes are created. */
  basePath?: string;
  latency: ProvisionerLatencies;
  /** The Deployment running the provisioner: names the events' source like the real one does. */
  controllerName: string;
  /** CSI: the volume handle for a new volume. Default: the PV name. */
  volumeHandle?(ctx: VolumeHandleContext): string;
  /** CSI: extra `volumeAttributes` on provisioned PVs. */
  volumeAttributes?(ctx: VolumeHandleContext): Record<string, string>;
  /** CSI: filesystem type on provisioned PVs. */
  fsType?: string;
  /** CSI: `status.attachmentMetadata` of attached VolumeAttachments. */
  attachmentMetadata?: Record<string, string>;
  /**
   * CSI: the topology keys its node plugin registers on CSINode objects. Default: the topology
   * key for `zone` drivers, none for `cluster` ones.
   */
  csiNodeTopologyKeys?: string[];
  /** CSI: how many volumes a node can attach (CSINode `allocatable.count`), when the driver says. */
  allocatableVolumes?: number;
}

/** Provisioners by name. Controllers read it at every reconcile, so later additions take effect. */
export type ProvisionerTable = Map<string, Provisioner>;

const hex = (random: Random, n: number) =>
  Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');

const uuid = (random: Random) =>
  `${hex(random, 8)}-${hex(random, 4)}-4${hex(random, 3)}-${((8 + Math.floor(random() * 4)) as number).toString(16)}${hex(random, 3)}-${hex(random, 12)}`;

export const LOCAL_PATH: Provisioner = {
  name: 'rancher.io/local-path',
  mobility: 'node',
  source: 'hostPath',
  // kind's build of local-path-provisioner keeps data here (upstream uses /opt/local-path-provisioner).
  basePath: '/var/local-path-provisioner',
  controllerName: 'local-path-provisioner',
  latency: {
    provision: { min: 1000, max: 3000 },
    delete: { min: 1000, max: 3000 },
    attach: { min: 0, max: 0 },
    detach: { min: 0, max: 0 },
  },
};

export const AWS_EBS: Provisioner = {
  name: 'ebs.csi.aws.com',
  mobility: 'zone',
  source: 'csi',
  topologyKey: 'topology.kubernetes.io/zone',
  controllerName: 'ebs-csi-controller',
  fsType: 'ext4',
  volumeHandle: ({ random }) => `vol-${hex(random, 17)}`,
  attachmentMetadata: { devicePath: '/dev/xvdaa' },
  csiNodeTopologyKeys: ['topology.ebs.csi.aws.com/zone', 'topology.kubernetes.io/zone'],
  allocatableVolumes: 25,
  latency: {
    provision: { min: 3000, max: 8000 },
    delete: { min: 2000, max: 5000 },
    attach: { min: 5000, max: 15000 },
    detach: { min: 5000, max: 15000 },
  },
};

export const GCE_PD: Provisioner = {
  name: 'pd.csi.storage.gke.io',
  mobility: 'zone',
  source: 'csi',
  topologyKey: 'topology.gke.io/zone',
  controllerName: 'csi-gce-pd-controller',
  fsType: 'ext4',
  volumeHandle: ({ pvName, zone }) => `projects/kubexpect-sim/zones/${zone ?? 'unknown'}/disks/${pvName}`,
  latency: {
    provision: { min: 3000, max: 10000 },
    delete: { min: 2000, max: 6000 },
    attach: { min: 5000, max: 15000 },
    detach: { min: 5000, max: 15000 },
  },
};

export const CEPH_RBD: Provisioner = {
  name: 'rook-ceph.rbd.csi.ceph.com',
  mobility: 'cluster',
  source: 'csi',
  controllerName: 'csi-rbdplugin-provisioner',
  fsType: 'ext4',
  volumeHandle: ({ random }) => `0001-0009-rook-ceph-0000000000000002-${uuid(random)}`,
  volumeAttributes: ({ random }) => ({
    clusterID: 'rook-ceph',
    imageFeatures: 'layering',
    imageName: `csi-vol-${uuid(random)}`,
    journalPool: 'replicapool',
    pool: 'replicapool',
  }),
  latency: {
    provision: { min: 1000, max: 3000 },
    delete: { min: 1000, max: 3000 },
    attach: { min: 500, max: 2000 },
    detach: { min: 500, max: 2000 },
  },
};

/** The built-in provisioners: node-bound, two zonal cloud disks and a cluster-wide network one. */
export function defaultProvisioners(): ProvisionerTable {
  return new Map([LOCAL_PATH, AWS_EBS, GCE_PD, CEPH_RBD].map((p) => [p.name, p]));
}

/** The zone label a zonal provisioner pins volumes with. */
export function topologyKeyOf(p: Provisioner): string {
  return p.topologyKey ?? 'topology.kubernetes.io/zone';
}

/** The topology keys a CSI driver's node plugin registers, or undefined when it registers none. */
export function csiNodeTopologyKeysOf(p: Provisioner): string[] | undefined {
  if (p.csiNodeTopologyKeys) return p.csiNodeTopologyKeys;
  return p.mobility === 'cluster' ? undefined : [topologyKeyOf(p)];
}

/** Checks a user-supplied provisioner, so a mistake fails at start rather than as a silent hang. */
export function checkProvisioner(p: Provisioner): void {
  const where = `storage provisioner ${JSON.stringify(p?.name)}`;
  if (!p || typeof p.name !== 'string' || !p.name) throw new TypeError('a storage provisioner needs a name');
  if (!['node', 'zone', 'cluster'].includes(p.mobility)) {
    throw new TypeError(`${where}: mobility must be 'node', 'zone' or 'cluster', got ${String(p.mobility)}`);
  }
  if (!['hostPath', 'local', 'csi'].includes(p.source)) {
    throw new TypeError(`${where}: source must be 'hostPath', 'local' or 'csi', got ${String(p.source)}`);
  }
  if (p.mobility !== 'node' && p.source !== 'csi') {
    throw new TypeError(`${where}: only node-bound provisioners can use a ${p.source} source; use 'csi'`);
  }
  for (const op of ['provision', 'delete', 'attach', 'detach'] as const) {
    const r = p.latency?.[op];
    if (!r || !(r.min >= 0) || !(r.max >= r.min)) {
      throw new TypeError(`${where}: latency.${op} must be { min, max } with 0 <= min <= max (milliseconds)`);
    }
  }
}

/** A seeded identity in the real `<provisioner>_<pod>_<uuid>` shape, for the events' source. */
export function provisionerIdentity(p: Provisioner, random: Random): string {
  return `${p.name}_${p.controllerName}-${randomNameSuffix(random, 10)}-${randomNameSuffix(random, 5)}_${uuid(random)}`;
}
