import { ESLint, type Linter } from 'eslint';
import { parser } from 'typescript-eslint';

// The very rules `npm run lint` applies (eslint.config.mjs spreads them).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const boundaries = require('../../eslint.boundaries.cjs') as Linter.Config[];

const eslint = new ESLint({
  cwd: `${__dirname}/../..`,
  overrideConfigFile: true,
  overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser } }, ...boundaries],
});

/** The messages the boundary rules give for one import written in a file at `filePath`. */
async function violations(filePath: string, from: string): Promise<string[]> {
  const [result] = await eslint.lintText(`import { thing } from '${from}';\nvoid thing;\n`, {
    filePath,
  });
  return result.messages.map((message) => message.message);
}

describe('import boundaries', () => {
  it.each([
    ['src/sync/probe.ts', '../events/events.repository'],
    ['src/sync/probe.ts', '../inventory/stock.service'],
    ['src/sync/probe.ts', '../store-api/store-writes.service'],
    ['src/store-api/dto/probe.ts', '../../catalog/catalog.service'],
    ['src/inventory/probe.ts', '../sync/central.client'],
    ['src/events/dto/probe.ts', '../../catalog/catalog.errors'],
    ['src/stores/dto/probe.ts', '../../admin/dto/admin.responses'],
    ['src/catalog/probe.ts', '../inventory/stock.service'],
    ['src/common/http/probe.ts', '../../inventory/inventory.errors'],
    ['src/config/probe.ts', '../sync/store-node'],
    ['src/contract/probe.ts', '../common/errors/domain.error'],
    ['src/contract/probe.ts', '@nestjs/common'],
    ['src/contract/probe.ts', 'typeorm'],
    ['console/src/store/probe.ts', '../../../src/sync/central.client'],
    ['console/src/probe.ts', '../../src/common/errors/domain.error'],
    ['console/src/probe.ts', '@nestjs/common'],
  ])('refuses %s importing %s', async (filePath, from) => {
    expect(await violations(filePath, from)).toEqual([
      expect.stringContaining('import is restricted from being used by a pattern'),
    ]);
  });

  it.each([
    ['src/sync/probe.ts', '../contract'],
    ['src/sync/probe.ts', '../contract/events'],
    ['src/inventory/probe.ts', '../contract/stores'],
    ['src/store-api/dto/probe.ts', '../../contract/catalog'],
    ['src/store-api/probe.ts', '../common/dto/stock-update.dto'],
    ['src/store-api/probe.ts', '../sync/sync.worker'],
    ['src/admin/probe.ts', '../stores/dto/store-status.dto'],
    ['src/inventory/probe.ts', '../catalog/catalog.service'],
    ['src/events/probe.ts', '../database/table-rows'],
    ['src/contract/probe.ts', './events'],
    ['console/src/store/probe.ts', '../../../src/contract'],
    ['console/src/probe.ts', '../../src/contract/streams'],
    ['console/src/store/probe.ts', '../lib/outcome'],
  ])('lets %s import %s', async (filePath, from) => {
    expect(await violations(filePath, from)).toEqual([]);
  });
});
