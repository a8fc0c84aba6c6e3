/** Storage profiles: whether a volume can follow its pod, read from the cluster itself. */
export { type StorageFacts, classifyStorage } from './classify.ts';
export {
  canStorageClassMoveAcrossNodes,
  type DetectStorageOptions,
  detectStorage,
  isDefaultStorageClass,
  resolveStorageClass,
} from './detect.ts';
export { KNOWN_PROVISIONERS } from './known-provisioners.ts';
export {
  type AccessMode,
  type DrainOutcome,
  type Evidence,
  type EvidenceSource,
  type ExpectedDelays,
  formatStorageVerdict,
  type Mobility,
  type StorageProfile,
  type StorageProfileMatch,
  type StorageVerdict,
  type Verdict,
} from './profile.ts';
export {
  type FileProfile,
  loadStorageProfileFile,
  type ProfileFileProblem,
  parseStorageProfiles,
  StorageProfileFileError,
} from './profile-file.ts';
export {
  findStorageProfile,
  type MatchedProfile,
  registerStorageProfile,
  userStorageProfiles,
} from './registry.ts';
export {
  type ClaimStorage,
  canMovePvcAcrossNodes,
  isPvcPinnedToNode,
  type PodStorage,
  storageForClaim,
  storageForPod,
} from './claim-storage.ts';
export {
  type DrainExpectation,
  type DrainExpectationOptions,
  expectedDrainOutcome,
  type ObservedDrainOutcome,
} from './drain-expectation.ts';
