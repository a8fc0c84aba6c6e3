/** Every built-in resource the simulator serves, in discovery order. */
import type { ResourceType } from '../api/resource.ts';
import { configmaps } from './configmaps.ts';
import { namespaces } from './namespaces.ts';
import { nodes } from './nodes.ts';
import { pods } from './pods.ts';

export const BUILT_IN_RESOURCES: ResourceType[] = [namespaces, nodes, pods, configmaps];
