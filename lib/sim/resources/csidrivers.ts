import type { ResourceType } from '../api/resource.ts';
import type { KObject } from '../api/types.ts';
import { age, builtIn } from './define.ts';
import { immutable } from './format.ts';
import { arr, bool, obj, str, type Shape } from './shape.ts';

interface CsiDriverSpec {
  attachRequired?: boolean;
  podInfoOnMount?: boolean;
  storageCapacity?: boolean;
  requiresRepublish?: boolean;
  tokenRequests?: { audience?: string }[];
  volumeLifecycleModes?: string[];
}

const spec = (o: KObject) => (o.spec ?? {}) as CsiDriverSpec;

/** API defaults, applied on every write as the real defaulters run on every decode. */
function defaults(obj: KObject): void {
  const s = { ...spec(obj) } as Record<string, unknown>;
  s.attachRequired ??= true;
  s.podInfoOnMount ??= false;
  s.storageCapacity ??= false;
  s.requiresRepublish ??= false;
  s.fsGroupPolicy ??= 'ReadWriteOnceWithFSType';
  s.volumeLifecycleModes ??= ['Persistent'];
  s.seLinuxMount ??= false;
  obj.spec = s;
}

/** The fields this kind's hooks and printers read, with their JSON types. */
const SHAPE: Record<string, Shape> = {
  spec: obj({
    attachRequired: bool,
    podInfoOnMount: bool,
    storageCapacity: bool,
    requiresRepublish: bool,
    tokenRequests: arr(obj({ audience: str })),
    volumeLifecycleModes: arr(str),
  }),
};

export const csidrivers: ResourceType = builtIn(
  {
    group: 'storage.k8s.io',
    version: 'v1',
    kind: 'CSIDriver',
    plural: 'csidrivers',
    singular: 'csidriver',
    namespaced: false,
    hasGeneration: false,
    returnDeletedObject: true,
    prepareForCreate: (obj) => defaults(obj),
    prepareForUpdate: (obj) => defaults(obj),
    validate(obj, old) {
      if (old && spec(obj).attachRequired !== spec(old).attachRequired) {
        return [immutable('spec.attachRequired', spec(obj).attachRequired)];
      }
      return [];
    },
    columns: [
      { name: 'AttachRequired', type: 'boolean', cell: (o) => !!spec(o).attachRequired },
      { name: 'PodInfoOnMount', type: 'boolean', cell: (o) => !!spec(o).podInfoOnMount },
      { name: 'StorageCapacity', type: 'boolean', cell: (o) => !!spec(o).storageCapacity },
      {
        name: 'TokenRequests',
        type: 'string',
        cell: (o) => (spec(o).tokenRequests ?? []).map((t) => t.audience ?? '').join(',') || '<unset>',
      },
      { name: 'RequiresRepublish', type: 'boolean', cell: (o) => !!spec(o).requiresRepublish },
      {
        name: 'Modes',
        type: 'string',
        cell: (o) => (spec(o).volumeLifecycleModes ?? []).join(',') || '<none>',
      },
      { name: 'Age', type: 'string', cell: age },
    ],
  },
  SHAPE,
);
