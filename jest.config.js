/**
 * Unit tests sit beside the code; e2e tests boot the real app against real Postgres.
 *
 * NestJS 12 and a few of its dependencies ship as ES modules only. Node 20 runs them from our
 * CommonJS build through require(esm), but Jest's module system cannot (before Node 24.9), so
 * Jest compiles those packages to CommonJS with SWC, which also rewrites import.meta.url.
 */
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

/** Folders under node_modules whose package.json says "type": "module" (packages and sub-folders). */
function esmFolders(root = join(__dirname, 'node_modules'), prefix = '') {
  const folders = [];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === '.bin' || entry.name === 'node_modules') continue;
    const path = join(root, entry.name);
    const name = `${prefix}${entry.name}`;
    if (entry.name.startsWith('@') && !prefix) {
      folders.push(...esmFolders(path, `${entry.name}/`));
      continue;
    }
    for (const sub of ['', 'dist', 'esm', 'src', 'modules']) {
      try {
        const manifest = JSON.parse(readFileSync(join(path, sub, 'package.json'), 'utf8'));
        if (manifest.type === 'module') folders.push(sub ? `${name}/${sub}` : name);
      } catch {
        // no package.json there
      }
    }
  }
  return folders;
}

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const ESM_PACKAGES = esmFolders().map(escape);

const transform = {
  '^.+\\.ts$': ['@swc/jest'],
  '^.+\\.m?js$': [
    '@swc/jest',
    {
      swcrc: false,
      jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' },
      module: { type: 'commonjs', ignoreDynamic: false },
    },
  ],
};
// Ignore node_modules files unless they sit in an ES module package (at any nesting depth).
const transformIgnorePatterns = [
  `^(?!.*/node_modules/(${ESM_PACKAGES.join('|')})/).*/node_modules/`,
];

const project = { testEnvironment: 'node', transform, transformIgnorePatterns };

module.exports = {
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  maxWorkers: 2,
  // testTimeout is a global option (ignored inside projects); e2e tests boot apps and race requests.
  testTimeout: 60000,
  projects: [
    {
      ...project,
      displayName: 'unit',
      // test/lint: the import boundaries of src/, linted from deliberate violations.
      // test/deploy: docker-compose.yml and its configs, checked against the app's own config.
      roots: [
        '<rootDir>/src',
        // The console's own logic (outcomes, the stream reader); its pages are tested in a browser.
        '<rootDir>/console/src',
        '<rootDir>/scripts',
        '<rootDir>/chaos',
        '<rootDir>/test/lint',
        '<rootDir>/test/deploy',
      ],
      testMatch: ['**/*.spec.ts'],
    },
    {
      ...project,
      displayName: 'e2e',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.e2e-spec.ts'],
    },
    {
      // Deliberately broken builds through short chaos runs: `npm run test:mutants`, in CI.
      ...project,
      displayName: 'mutants',
      roots: ['<rootDir>/test/chaos'],
      testMatch: ['**/*.mutant-spec.ts'],
    },
    {
      // The consoles in Debian's chromium against npm run demo: `npm run test:browser`, in CI.
      ...project,
      displayName: 'browser',
      roots: ['<rootDir>/test/browser'],
      testMatch: ['**/*.browser-spec.ts'],
    },
    {
      // Needs a Redis (REDIS_URL, or 127.0.0.1:6379): `npm run test:redis`, not `npm test`.
      ...project,
      displayName: 'redis',
      roots: ['<rootDir>/test/redis'],
      testMatch: ['**/*.redis-spec.ts'],
    },
  ],
};
