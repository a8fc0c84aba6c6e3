/**
 * Metadata-only answers (meta.k8s.io/v1 PartialObjectMetadata and its list), what client-go's
 * metadata client and controller-runtime's metadata informers ask for with
 * `Accept: application/json;as=PartialObjectMetadata[List];g=meta.k8s.io;v=v1`.
 */
import type { KObject } from '../api/types.ts';

export type PartialKind = 'PartialObjectMetadata' | 'PartialObjectMetadataList';

export const partialContentType = (as: PartialKind) => `application/json;as=${as};g=meta.k8s.io;v=v1`;

/** Whether the Accept header asks for this metadata-only form (v1 or v1beta1). */
export function wantsPartial(accept: string | undefined, as: PartialKind): boolean {
  if (!accept) return false;
  return accept.split(',').some((part) => {
    const params = part.split(';').map((p) => p.trim());
    return (
      params.includes(`as=${as}`) &&
      params.includes('g=meta.k8s.io') &&
      params.some((p) => p === 'v=v1' || p === 'v=v1beta1')
    );
  });
}

export function partialObject(obj: KObject): KObject {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

export function partialList(list: { metadata: unknown; items: KObject[] }): Record<string, unknown> {
  return {
    kind: 'PartialObjectMetadataList',
    apiVersion: 'meta.k8s.io/v1',
    metadata: list.metadata,
    items: list.items.map(partialObject),
  };
}
