const { availableParallelism } = require('node:os');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // Jest's default (one worker fewer than the CPUs) leaves a 2-CPU machine one worker. The slow files (end to
  // end, chaos) mostly wait on timers and on the local cloud's worker threads, so two run well side by side:
  // 136 s instead of 288 s for the whole suite on 2 CPUs.
  maxWorkers: Math.max(2, availableParallelism()),
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  setupFiles: ['<rootDir>/tests/support/environment.ts'],
  transform: {
    // swc also transpiles the ESM-only packages (@middy, jose) so jest can load them as CommonJS.
    '^.+\\.(t|j|mj)s$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(@middy|jose)/)'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
};
