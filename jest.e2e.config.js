/**
 * End-to-end tests: the real app over real HTTP, on a throwaway SQLite or PostgreSQL database
 * (WHARF_TEST_DB) and the local Redis. The Swagger plugin runs here too so /docs-json is complete.
 */
module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  setupFiles: ['<rootDir>/libs/sandbox/test/unref-baileys-timers.ts'],
  testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
  testTimeout: 60_000,
  maxWorkers: 2,
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      {
        tsconfig: 'tsconfig.json',
        diagnostics: { ignoreCodes: [151002] },
        astTransformers: { before: ['<rootDir>/test/swagger-plugin.transformer.js'] },
      },
    ],
  },
  moduleNameMapper: {
    '^@wharf/whatsapp(.*)$': '<rootDir>/libs/whatsapp/src$1',
    '^@wharf/sandbox(.*)$': '<rootDir>/libs/sandbox/src$1',
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
};
