/**
 * End-to-end tests: the real app over real HTTP, on a throwaway SQLite or PostgreSQL database
 * (WHARF_TEST_DB) and the local Redis. The app runs as the built `dist/` (npm run build first).
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
      },
    ],
  },
  moduleNameMapper: {
    '^@wharf/whatsapp(.*)$': '<rootDir>/libs/whatsapp/src$1',
    '^@wharf/sandbox(.*)$': '<rootDir>/libs/sandbox/src$1',
    '^@wharf/(.*)$': '<rootDir>/src/$1',
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
};
