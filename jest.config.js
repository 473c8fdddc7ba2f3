/** Tests are TypeScript run as ESM through swc; the CLI under test is the built dist/. */
export default {
  testEnvironment: 'node',
  // jest's "soft" clean-up of globals between files wraps each in a setter that calls itself once something sets it
  // after teardown (a late timer): "Maximum call stack size exceeded at Reflect.set" fails a passing file
  testEnvironmentOptions: { globalsCleanup: 'off' },
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }],
  },
  // a guard against a hang, not a measure: the suite drives a 2-core machine far past its cores, and a lab test waits its turn
  testTimeout: 180000,
  maxWorkers: 2,
};
