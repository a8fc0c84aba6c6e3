// The house rules of DESIGN.md, checked by dependency-cruiser on every `npm test` (npm run lint:deps).
// Layers from the bottom: config < client, timeouts < observe, storage < expect < matchers < ops
// < cnpg < chai, jest, vitest, dsl, the entry point < cli. The embedded cluster (lib/sim) and the
// real control plane (lib/controlplane) are products of their own, reached through their entry points.

// Test plumbing: tests, the testing/ folder of each layer, and the fixtures tests load.
const testPlumbing = '(\\.test\\.ts$|/testing/|/fixtures/)';

// What each layer of the library may import besides itself.
const below = {
  config: [],
  client: ['config'],
  timeouts: ['config'],
  observe: ['config', 'client', 'timeouts'],
  storage: ['config', 'client', 'timeouts'],
  expect: ['config', 'client', 'timeouts', 'observe', 'storage'],
  matchers: ['config', 'client', 'timeouts', 'observe', 'storage', 'expect'],
  ops: ['config', 'client', 'timeouts', 'observe', 'storage', 'expect', 'matchers'],
  cnpg: ['config', 'client', 'timeouts', 'observe', 'storage', 'expect', 'matchers', 'ops'],
};
const everyLayer = [...Object.keys(below), 'cnpg'];
const tops = ['chai', 'jest', 'vitest', 'dsl'];
for (const top of tops) below[top] = [...everyLayer, 'sim/index.ts', 'controlplane/index.ts'];
// Vitest's expect is Jest's: its entry point reuses the Jest matcher table.
below.vitest.push('jest');

const layerRules = Object.entries(below).map(([layer, allowed]) => ({
  name: `layer-${layer}`,
  comment: `lib/${layer} imports only the layers below it (${allowed.join(', ') || 'none'}): data flows down`,
  severity: 'error',
  from: { path: `^lib/${layer}/`, pathNot: testPlumbing },
  to: {
    path: '^lib/',
    pathNot: [`^lib/${layer}/`, ...allowed.map((a) => (a.endsWith('.ts') ? `^lib/${a}$` : `^lib/${a}/`))],
  },
}));

module.exports = {
  forbidden: [
    {
      name: 'sim-stands-alone',
      comment: 'lib/sim is a product of its own: it imports nothing of the library',
      severity: 'error',
      from: { path: '^lib/sim/' },
      to: { path: '^lib/', pathNot: '^lib/sim/' },
    },
    {
      name: 'controlplane-stands-alone',
      comment:
        'lib/controlplane imports nothing of the library (the embedded cluster only through its entry point)',
      severity: 'error',
      from: { path: '^lib/controlplane/' },
      to: { path: '^lib/', pathNot: ['^lib/controlplane/', '^lib/sim/index\\.ts$'] },
    },
    {
      name: 'clusters-through-entry-points',
      comment: 'outside lib/sim and lib/controlplane, reach them only through their index.ts',
      severity: 'error',
      from: { path: '^(lib|bin|specs)/', pathNot: '^lib/(sim|controlplane)/' },
      to: {
        path: '^lib/(sim|controlplane)/',
        pathNot: ['^lib/(sim|controlplane)/index\\.ts$', '^lib/(sim|controlplane)/testing/'],
      },
    },
    {
      name: 'clusters-loaded-on-demand',
      comment:
        'the library loads the embedded cluster and the control plane only when a spec asks for one (import())',
      severity: 'error',
      from: { path: '^lib/(?!sim/|controlplane/|cli/)', pathNot: testPlumbing },
      to: { path: '^lib/(sim|controlplane)/index\\.ts$', dynamic: false },
    },
    {
      name: 'no-test-plumbing-in-production',
      comment: 'published code never imports tests or a testing/ folder',
      severity: 'error',
      from: { path: '^(lib|bin)/', pathNot: testPlumbing },
      to: { path: '(\\.test\\.ts$|/testing/)' },
    },
    {
      name: 'runtime-imports-only-dependencies',
      comment: 'published code imports only packages in dependencies (or optional peers)',
      severity: 'error',
      from: { path: '^(lib|bin)/', pathNot: testPlumbing },
      to: {
        dependencyTypes: ['npm-dev', 'npm-no-pkg', 'npm-unknown'],
        dependencyTypesNot: ['npm', 'npm-peer'],
        dynamic: false,
      },
    },
    {
      name: 'no-unresolvable',
      comment: 'every import resolves (specs import the package by its own name, through its exports)',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, pathNot: '^kubexpect(/|$)' },
    },
    {
      name: 'no-circular',
      comment: 'no import cycles, type-only ones included: a shared type lives in the lower module',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...layerRules,
  ],
  options: {
    parser: 'swc',
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^dist/' },
    enhancedResolveOptions: {
      conditionNames: ['kubexpect-source', 'import', 'default'],
      extensions: ['.ts', '.js'],
    },
  },
};
