/** Unit tests: pure logic beside the code (`*.spec.ts`). */
module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  setupFiles: ['<rootDir>/libs/sandbox/test/unref-baileys-timers.ts'],
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts'],
  // The libs' tests link real Baileys clients to an in-process sandbox: seconds each, more when
  // both cores are busy (CI runs them in parallel). 5 s (Jest's default) timed out under load.
  testTimeout: 30_000,
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: { ignoreCodes: [151002] } }],
  },
  moduleNameMapper: {
    '^@wharf/whatsapp(.*)$': '<rootDir>/libs/whatsapp/src$1',
    '^@wharf/sandbox(.*)$': '<rootDir>/libs/sandbox/src$1',
    '^@wharf/(.*)$': '<rootDir>/src/$1',
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
};
