import type { ResourceType } from '../api/resource.ts';
import type { KObject } from '../api/types.ts';
import { builtIn } from './define.ts';
import { labelsText } from './format.ts';
import { defaultTemplate } from './replicated.ts';
import { obj, type Shape } from './shape.ts';

/** The fields this kind's hooks read, with their JSON types. */
const SHAPE: Record<string, Shape> = { template: obj({ metadata: obj(), spec: obj() }) };

interface TemplateShape {
  metadata?: { labels?: Record<string, string> };
  spec?: { containers?: { name?: string; image?: string }[] };
}

const template = (o: KObject) => o.template as TemplateShape | undefined;
const containers = (o: KObject) => template(o)?.spec?.containers ?? [];

/**
 * core/v1 PodTemplate: stored, defaulted like any pod template (SetDefaults_PodSpec), and acted on
 * by no controller, as on a real cluster. Its strategy sets metadata.generation; DELETE answers the
 * object.
 */
export const podtemplates: ResourceType = builtIn(
  {
    group: '',
    version: 'v1',
    kind: 'PodTemplate',
    plural: 'podtemplates',
    singular: 'podtemplate',
    namespaced: true,
    returnDeletedObject: true,
    prepareForCreate: (o) => defaultTemplate(o),
    prepareForUpdate: (o) => defaultTemplate(o),
    columns: [
      {
        name: 'Containers',
        type: 'string',
        cell: (o) =>
          containers(o)
            .map((c) => c.name ?? '')
            .join(','),
      },
      {
        name: 'Images',
        type: 'string',
        cell: (o) =>
          containers(o)
            .map((c) => c.image ?? '')
            .join(','),
      },
      { name: 'Pod Labels', type: 'string', cell: (o) => labelsText(template(o)?.metadata?.labels) },
    ],
  },
  SHAPE,
);
