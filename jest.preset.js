// Shared Jest set-up: every package tests its TypeScript sources directly, and
// imports sibling packages from source too, so a test never waits for a build.
const path = require('node:path');

const root = __dirname;

/** @param {string} dir the package directory */
module.exports = function preset(dir, overrides = {}) {
  return {
    rootDir: dir,
    testEnvironment: 'node',
    testMatch: ['<rootDir>/test/**/*.test.ts'],
    transform: {
      '^.+\\.tsx?$': ['ts-jest', { tsconfig: path.join(dir, 'tsconfig.json') }],
    },
    moduleNameMapper: {
      '^@manouche/([^/]+)$': path.join(root, 'packages/$1/src/index.ts'),
      '^@manouche/([^/]+)/(.+)$': path.join(root, 'packages/$1/src/$2'),
    },
    globalSetup: path.join(root, 'test-support/global-setup.js'),
    testTimeout: 20000,
    ...overrides,
  };
};
