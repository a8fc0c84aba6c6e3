// Jest in ESM mode (run with NODE_OPTIONS=--experimental-vm-modules): kubexpect/jest is the setup.
export default {
  testEnvironment: 'node',
  transform: {},
  setupFilesAfterEnv: ['kubexpect/jest'],
  globalSetup: './jest.global-setup.js',
  globalTeardown: './jest.global-teardown.js',
  maxWorkers: 1,
  testTimeout: 300_000,
};
