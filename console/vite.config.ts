import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * The console: one page, built into dist/console and served by each node under /console/
 * (src/app.setup.ts). No CDN: everything it loads is in the build.
 */
export default defineConfig({
  root: here,
  base: '/console/',
  // Preact's automatic JSX runtime, without a plugin.
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: resolve(here, '..', 'dist', 'console'),
    emptyOutDir: true,
    // The nodes serve it on a LAN; a source map costs nothing and helps whoever debugs a page.
    sourcemap: true,
  },
  logLevel: 'warn',
});
