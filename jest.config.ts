import type { Config } from 'jest';
import { readFileSync } from 'node:fs';

// One .swcrc for both projects: decorators and their metadata are needed by Nest.
const swc = JSON.parse(readFileSync(`${__dirname}/.swcrc`, 'utf8'));
const transform = { '^.+\\.ts$': ['@swc/jest', { ...swc, swcrc: false }] as [string, object] };

const config: Config = {
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
      testTimeout: 60_000,
    },
  ],
};

export default config;
