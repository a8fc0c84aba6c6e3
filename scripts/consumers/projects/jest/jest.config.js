// Jest in ESM mode (run with NODE_OPTIONS=--experimental-vm-modules): kubexpect/jest is the setup.
export default {
  testEnvironment: 'node',
  transform: {},
  setupFilesAfterEnv: ['kubexpect/jest'],
  testTimeout: 180_000,
};
