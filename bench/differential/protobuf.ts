/**
 * Protobuf request bodies as kubectl's typed clients and Helm send them (`kubectl create job|sa|pdb`,
 * DeleteOptions of `kubectl drain --disable-eviction` and `helm uninstall`): the object encoded
 * with the upstream `generated.proto` definitions (k8s.io/api and apimachinery, vendored in
 * lib/sim/data/proto — data, not the simulator's code) and wrapped in the `k8s\0` + runtime.Unknown
 * envelope kube-apiserver reads.
 */
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const PROTO_ROOT = fileURLToPath(new URL('../../lib/sim/data/proto/', import.meta.url));
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
const FILES = [
  'k8s.io/apimachinery/pkg/runtime/generated.proto',
  'k8s.io/api/core/v1/generated.proto',
  'k8s.io/api/batch/v1/generated.proto',
  'k8s.io/api/policy/v1/generated.proto',
  'k8s.io/api/apps/v1/generated.proto',
];

let root: Promise<protobuf.Root> | undefined;

function load(): Promise<protobuf.Root> {
  if (!root) {
    const r = new protobuf.Root();
    r.resolvePath = (_origin, target) => `${PROTO_ROOT}${target}`;
    root = r.load(FILES, { keepCase: true });
  }
  return root;
}

export interface ProtobufBody {
  /** The message type, e.g. `k8s.io.api.core.v1.ServiceAccount`. */
  type: string;
  apiVersion: string;
  kind: string;
}

/** Encodes a proto-shaped object (field names as in generated.proto) in the Kubernetes envelope. */
export async function encodeProtobuf(spec: ProtobufBody, object: unknown): Promise<Buffer> {
  const r = await load();
  const type = r.lookupType(spec.type);
  const problem = type.verify(object as Record<string, unknown>);
  if (problem) throw new TypeError(`protobuf body for ${spec.type}: ${problem}`);
  const raw = type.encode(type.fromObject(object as Record<string, unknown>)).finish();
  const unknown = r.lookupType('k8s.io.apimachinery.pkg.runtime.Unknown');
  const envelope = unknown
    .encode(
      unknown.fromObject({
        typeMeta: { apiVersion: spec.apiVersion, kind: spec.kind },
        raw,
        contentEncoding: '',
        contentType: '',
      }),
    )
    .finish();
  return Buffer.concat([MAGIC, envelope]);
}
