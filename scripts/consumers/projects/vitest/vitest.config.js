// kubexpect/vitest is the setup file; nothing else is needed.
export default {
  test: {
    setupFiles: ['kubexpect/vitest'],
    testTimeout: 180_000,
  },
};
