import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The repository: the nearest folder above with a package.json, from the sources (scripts/),
 * from dist/scripts, or from a test's compiled copy under node_modules/.cache.
 */
export const REPO = (function repositoryRoot(folder: string): string {
  return existsSync(join(folder, 'package.json')) && !folder.includes('node_modules')
    ? folder
    : repositoryRoot(dirname(folder));
})(__dirname);
