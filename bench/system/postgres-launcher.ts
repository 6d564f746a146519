import { EmbeddedDatabase } from '../../src/database/embedded-database';

/**
 * Runs the embedded Postgres of a run in a process of its own, forked detached by
 * PostgresServer: a terminal's Ctrl-C then reaches only the orchestrator (harness or demo),
 * which stops the apps first and this server last, instead of Postgres shutting down under
 * apps that are still finishing their requests.
 */
const [dataDir, port] = process.argv.slice(2);
const database = new EmbeddedDatabase(dataDir, Number(port), false);
let stopping: Promise<void> | undefined;
const stop = () => (stopping ??= database.stop().finally(() => process.exit(0)));

process.on('message', (message) => {
  if (message === 'stop') void stop();
});
// The orchestrator went away without stopping us.
process.once('disconnect', () => void stop());

database.start().then(
  (url) => process.send!({ url }),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
