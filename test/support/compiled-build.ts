import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';

export const REPO = join(__dirname, '..', '..');

/**
 * Builds like `npm run build` into a fresh folder and answers it, for suites that run the
 * compiled app as `npm run bench` or `npm run demo` do. Built inside node_modules so the compiled
 * code resolves its packages like dist/ does. tsc reports its errors on stdout.
 */
export function compiledBuild(prefix: string): string {
  mkdirSync(join(REPO, 'node_modules', '.cache'), { recursive: true });
  const outDir = mkdtempSync(join(REPO, 'node_modules', '.cache', `${prefix}-`));
  const tsc = require.resolve('typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', outDir], {
      cwd: REPO,
      stdio: 'pipe',
    });
  } catch (error) {
    throw new Error(`tsc failed:\n${String((error as { stdout?: Buffer }).stdout)}`, {
      cause: error,
    });
  }
  return outDir;
}
