import type { Config } from 'jest';
import { readFileSync } from 'node:fs';

// One .swcrc for both projects: decorators and their metadata are needed by Nest.
const swc = JSON.parse(readFileSync(`${__dirname}/.swcrc`, 'utf8'));
const transform = { '^.+\\.ts$': ['@swc/jest', { ...swc, swcrc: false }] as [string, object] };

const config: Config = {
  // Integration tests start whole apps on fresh databases; the timeout is global in Jest.
  testTimeout: 60_000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/{apps,libs,test}/**/*.int-spec.ts'],
    },
  ],
};

export default config;
