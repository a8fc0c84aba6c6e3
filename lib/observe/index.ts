export {
  apiVersionOf,
  collectionPath,
  NAMESPACES,
  NODES,
  noun,
  PODS,
  PVCS,
  type ResourceKind,
  resourceKind,
} from './resource.ts';
export { acquireCache, openCaches, setWatchCacheDefaults } from './shared.ts';
export {
  type EntrySource,
  type EntryType,
  entryOf,
  formatEntry,
  formatTrajectory,
  Trajectory,
  type TrajectoryEntry,
} from './trajectory.ts';
export {
  type CacheChange,
  type CacheListener,
  type CacheMode,
  type CacheStats,
  type Selector,
  WatchCache,
  type WatchCacheOptions,
} from './watch-cache.ts';
