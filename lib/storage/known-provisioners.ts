/**
 * The built-in table: well-known provisioners, where their volumes can go, and where that is written
 * down. Detection prefers what the cluster shows (PV node affinity, CSI topology) over this table.
 */
import type { StorageProfile } from './profile.ts';

/** Node-local volumes: no attach step, the pod can only run where the data is. */
const LOCAL_DELAYS = { provisioningSeconds: 5, attachDetachSeconds: 0, multiAttachSeconds: 0 };
/** Network block volumes: detach from the old node, attach to the new one; 6 min force detach if the old node is gone. */
const BLOCK_DELAYS = { provisioningSeconds: 15, attachDetachSeconds: 30, multiAttachSeconds: 360 };
/** Shared file systems: mounted by many nodes at once, nothing to detach. */
const FILE_DELAYS = { provisioningSeconds: 30, attachDetachSeconds: 0, multiAttachSeconds: 0 };

const RWO: StorageProfile['accessModes'] = ['ReadWriteOnce', 'ReadWriteOncePod'];
const RWX: StorageProfile['accessModes'] = [
  'ReadWriteOnce',
  'ReadOnlyMany',
  'ReadWriteMany',
  'ReadWriteOncePod',
];
const FORCE_DETACH_SOURCE =
  'kubernetes/kubernetes pkg/controller/volume/attachdetach/reconciler/reconciler.go (6 min force detach)';

export const KNOWN_PROVISIONERS: readonly StorageProfile[] = [
  {
    name: 'local-path',
    match: { provisioner: 'rancher.io/local-path' },
    mobility: 'node',
    accessModes: RWO,
    expansion: false,
    snapshots: false,
    delays: LOCAL_DELAYS,
    source:
      'rancher/local-path-provisioner provisioner.go: PVs get required node affinity on kubernetes.io/hostname (kind "standard", k3s "local-path")',
  },
  {
    name: 'local-volume',
    match: { provisioner: 'kubernetes.io/no-provisioner' },
    mobility: 'node',
    accessModes: RWO,
    expansion: false,
    snapshots: false,
    delays: { ...LOCAL_DELAYS, provisioningSeconds: 0 },
    source:
      'kubernetes.io/docs/concepts/storage/volumes/#local: local PVs must set nodeAffinity; static PVs only',
    notes: 'Static PVs of other types (NFS, iSCSI) can use this class too; their PVs decide.',
  },
  {
    name: 'csi-hostpath',
    match: { provisioner: 'hostpath.csi.k8s.io' },
    mobility: 'node',
    accessModes: RWO,
    expansion: true,
    snapshots: true,
    delays: LOCAL_DELAYS,
    source:
      'kubernetes-csi/csi-driver-host-path: topology key topology.hostpath.csi/node, snapshots and expansion supported',
  },
  {
    name: 'minikube-hostpath',
    match: { provisioner: ['k8s.io/minikube-hostpath', 'microk8s.io/hostpath'] },
    mobility: 'node',
    accessModes: RWX,
    expansion: false,
    snapshots: false,
    delays: LOCAL_DELAYS,
    source: 'minikube storage-provisioner and microk8s hostpath-storage: directories on one host',
  },
  {
    name: 'topolvm',
    match: { provisioner: ['topolvm.io', 'topolvm.cybozu.com'] },
    mobility: 'node',
    accessModes: RWO,
    expansion: true,
    snapshots: true,
    delays: LOCAL_DELAYS,
    source: 'topolvm/topolvm docs: LVM volumes on one node, topology key topology.topolvm.io/node',
  },
  {
    name: 'openebs-local',
    match: {
      provisioner: [
        'openebs.io/local',
        'local.csi.openebs.io',
        'zfs.csi.openebs.io',
        'device.csi.openebs.io',
      ],
    },
    mobility: 'node',
    accessModes: RWO,
    expansion: false,
    snapshots: false,
    delays: LOCAL_DELAYS,
    source:
      'openebs.io/docs local storage user guide: Local PV hostpath/LVM/ZFS volumes are node-local (topology key openebs.io/nodename)',
    notes: 'LVM and ZFS local PVs support expansion and snapshots; hostpath does not.',
  },
  {
    name: 'aws-ebs',
    match: { provisioner: ['ebs.csi.aws.com', 'kubernetes.io/aws-ebs'] },
    mobility: 'zone',
    accessModes: RWO,
    expansion: true,
    snapshots: true,
    delays: BLOCK_DELAYS,
    source: `kubernetes-sigs/aws-ebs-csi-driver: zonal volumes, topology key topology.ebs.csi.aws.com/zone; ${FORCE_DETACH_SOURCE}`,
  },
  {
    name: 'gcp-pd',
    match: { provisioner: ['pd.csi.storage.gke.io', 'kubernetes.io/gce-pd'] },
    mobility: 'zone',
    accessModes: ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteOncePod'],
    expansion: true,
    snapshots: true,
    delays: BLOCK_DELAYS,
    source:
      'kubernetes-sigs/gcp-compute-persistent-disk-csi-driver: zonal disks, topology key topology.gke.io/zone (regional PDs span two zones)',
  },
  {
    name: 'azure-disk-zrs',
    match: { provisioner: 'disk.csi.azure.com', parameters: { skuName: '*_ZRS' } },
    mobility: 'cluster',
    accessModes: RWO,
    expansion: true,
    snapshots: true,
    delays: BLOCK_DELAYS,
    source:
      'kubernetes-sigs/azuredisk-csi-driver docs/driver-parameters.md: ZRS disks attach to nodes in any zone of the region',
  },
  {
    name: 'azure-disk',
    match: { provisioner: ['disk.csi.azure.com', 'kubernetes.io/azure-disk'] },
    mobility: 'zone',
    accessModes: RWO,
    expansion: true,
    snapshots: true,
    delays: BLOCK_DELAYS,
    source:
      'kubernetes-sigs/azuredisk-csi-driver: LRS disks are zonal in zonal clusters (topology key topology.disk.csi.azure.com/zone)',
    notes:
      'In regions without zones the PVs carry no zone affinity and volumes move freely (CNPG marks AKS as movable).',
  },
  {
    name: 'aws-efs',
    match: { provisioner: 'efs.csi.aws.com' },
    mobility: 'cluster',
    accessModes: RWX,
    expansion: false,
    snapshots: false,
    delays: FILE_DELAYS,
    source: 'kubernetes-sigs/aws-efs-csi-driver: NFS file systems mounted from every zone',
  },
  {
    name: 'gcp-filestore',
    match: { provisioner: 'filestore.csi.storage.gke.io' },
    mobility: 'cluster',
    accessModes: RWX,
    expansion: true,
    snapshots: true,
    delays: FILE_DELAYS,
    source: 'cloud.google.com/filestore/docs/csi-driver: NFS shares reachable from every node of the VPC',
  },
  {
    name: 'azure-file',
    match: { provisioner: ['file.csi.azure.com', 'kubernetes.io/azure-file'] },
    mobility: 'cluster',
    accessModes: RWX,
    expansion: true,
    snapshots: true,
    delays: FILE_DELAYS,
    source: 'kubernetes-sigs/azurefile-csi-driver: SMB/NFS shares mounted from any node',
  },
  {
    name: 'nfs',
    match: {
      provisioner: [
        'nfs.csi.k8s.io',
        'k8s-sigs.io/nfs-subdir-external-provisioner',
        'cluster.local/nfs-subdir-external-provisioner',
      ],
    },
    mobility: 'cluster',
    accessModes: RWX,
    expansion: false,
    snapshots: false,
    delays: { ...FILE_DELAYS, provisioningSeconds: 5 },
    source: 'kubernetes-csi/csi-driver-nfs and kubernetes-sigs/nfs-subdir-external-provisioner: NFS exports',
  },
  {
    name: 'ceph-rbd',
    match: { provisioner: ['*.rbd.csi.ceph.com', 'rbd.csi.ceph.com', 'kubernetes.io/rbd'] },
    mobility: 'cluster',
    accessModes: RWO,
    expansion: true,
    snapshots: true,
    delays: BLOCK_DELAYS,
    source:
      'ceph/ceph-csi docs/rbd (Rook names it <operator-namespace>.rbd.csi.ceph.com): network block devices, no topology by default',
  },
  {
    name: 'cephfs',
    match: { provisioner: ['*.cephfs.csi.ceph.com', 'cephfs.csi.ceph.com'] },
    mobility: 'cluster',
    accessModes: RWX,
    expansion: true,
    snapshots: true,
    delays: FILE_DELAYS,
    source: 'ceph/ceph-csi docs/cephfs: shared file system mounted from any node',
  },
  {
    name: 'longhorn-strict-local',
    match: { provisioner: 'driver.longhorn.io', parameters: { dataLocality: 'strict-local' } },
    mobility: 'node',
    accessModes: RWO,
    expansion: true,
    snapshots: true,
    delays: LOCAL_DELAYS,
    source:
      'longhorn.io/docs references/storage-class-parameters: strict-local keeps the only replica on the attached node',
  },
  {
    name: 'longhorn',
    match: { provisioner: 'driver.longhorn.io' },
    mobility: 'cluster',
    accessModes: RWX,
    expansion: true,
    snapshots: true,
    delays: BLOCK_DELAYS,
    source: 'longhorn.io/docs: replicated block volumes attach on any node (RWX through a share manager)',
  },
  {
    name: 'vsphere',
    match: { provisioner: ['csi.vsphere.vmware.com', 'kubernetes.io/vsphere-volume'] },
    mobility: 'cluster',
    accessModes: RWX,
    expansion: true,
    snapshots: true,
    delays: BLOCK_DELAYS,
    source:
      'kubernetes-sigs/vsphere-csi-driver: datastore-backed disks attach to any host seeing the datastore; zonal only with topology enabled',
  },
  {
    name: 'portworx',
    match: { provisioner: ['pxd.portworx.com', 'kubernetes.io/portworx-volume'] },
    mobility: 'cluster',
    accessModes: RWX,
    expansion: true,
    snapshots: true,
    delays: BLOCK_DELAYS,
    source: 'docs.portworx.com: replicated volumes served to any node of the Portworx cluster',
  },
  {
    name: 'linstor-local-only',
    match: {
      provisioner: 'linstor.csi.linbit.com',
      parameters: { 'linstor.csi.linbit.com/allowRemoteVolumeAccess': 'false' },
    },
    mobility: 'node',
    accessModes: RWO,
    expansion: true,
    snapshots: true,
    delays: LOCAL_DELAYS,
    source:
      'piraeusdatastore/linstor-csi: allowRemoteVolumeAccess "false" restricts pods to nodes holding a replica',
  },
  {
    name: 'linstor',
    match: { provisioner: 'linstor.csi.linbit.com' },
    mobility: 'cluster',
    accessModes: RWO,
    expansion: true,
    snapshots: true,
    delays: BLOCK_DELAYS,
    source: 'piraeusdatastore/linstor-csi: DRBD volumes with diskless remote access on any node',
  },
];
