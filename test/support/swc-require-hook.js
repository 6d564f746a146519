/**
 * Lets a child process run the TypeScript sources directly (`node -r this-file src/main.ts`),
 * compiled on load by SWC with the project's .swcrc, as Jest compiles them. Used by tests that
 * must kill a real process (SIGKILL), which an app inside Jest's process cannot be.
 */
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { transformSync } = require('@swc/core');

const options = JSON.parse(readFileSync(join(__dirname, '..', '..', '.swcrc'), 'utf8'));
delete options.$schema;

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), { ...options, filename });
  module._compile(code, filename);
};
