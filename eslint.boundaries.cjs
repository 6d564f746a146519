/**
 * Import boundaries between the parts of src/ (see docs/architecture.md, "Contract and
 * boundaries"). Central's feature modules are layered, lowest first; the store's modules never
 * reach into central's and back; both speak through src/contract/ and share src/common/.
 * Kept in its own file so a test can lint deliberate violations with exactly these rules.
 */
const CENTRAL = ['events', 'catalog', 'inventory', 'stores', 'reservations', 'admin'];
const STORE = ['sync', 'store-api'];
const PLATFORM = [
  'common',
  'config',
  'database',
  'health',
  'idempotency',
  'logging',
  'me',
  'metrics',
  'rate-limit',
];

// src/contract has files named like modules (events.ts, stores.ts): always allowed.
const folders = (names) => [
  ...names.flatMap((name) => [`**/${name}`, `**/${name}/**`]),
  '!**/contract/**',
  '!**/contract',
];
const forbid = (files, names, message) => ({
  files: files.map((name) => `src/${name}/**/*.ts`),
  rules: { 'no-restricted-imports': ['error', { patterns: [{ group: folders(names), message }] }] },
});

/** Each central module may import the ones before it, never the ones after it. */
const centralLayers = CENTRAL.slice(0, -1).map((name, index) =>
  forbid(
    [name],
    [...CENTRAL.slice(index + 1), ...STORE],
    `${name} sits below ${CENTRAL.slice(index + 1).join(', ')}: import upwards only through src/contract or src/common, and never store code.`,
  ),
);

module.exports = [
  ...centralLayers,
  forbid(
    ['admin'],
    STORE,
    'Central code never imports store code; share types through src/contract.',
  ),
  forbid(
    ['sync'],
    [...CENTRAL, 'store-api'],
    'Store code reaches central only over HTTP: import src/contract, not central modules (and sync sits below store-api).',
  ),
  forbid(
    ['store-api'],
    CENTRAL,
    'Store code reaches central only over HTTP: import src/contract, not central modules.',
  ),
  forbid(
    PLATFORM,
    [...CENTRAL, ...STORE],
    'Platform code (common, config, database, …) depends on no feature module.',
  ),
  {
    files: ['src/contract/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '../**',
                '@nestjs/*',
                'typeorm',
                'pg',
                'class-validator',
                'class-transformer',
              ],
              message:
                'src/contract is plain TypeScript shared by both sides: no framework, no database, nothing else of src.',
            },
          ],
        },
      ],
    },
  },
  {
    // The console runs in a browser and speaks to the nodes over HTTP only.
    files: ['console/**/*.ts', 'console/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/src/**',
                '!**/src/contract',
                '!**/src/contract/*',
                '@nestjs/*',
                'typeorm',
                'pg',
              ],
              message:
                'The console reaches the nodes only through its typed client: of src/ it imports src/contract alone.',
            },
          ],
        },
      ],
    },
  },
];
