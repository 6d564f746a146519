import { pathToFileURL } from 'node:url';

/**
 * Entry of every process the harness forks (the app, the bare Fastify limit): runs the module
 * named by BENCH_ENTRY in this process, and stops it when the harness goes away, so a harness
 * killed without its cleanup never leaves servers behind.
 */
process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));

const entry = process.env.BENCH_ENTRY;
if (!entry) throw new Error('BENCH_ENTRY is not set');
import(pathToFileURL(entry).href).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
