import { rmSync } from 'node:fs';
import { EmbeddedDatabase } from '../../src/database/embedded-database';

/**
 * Runs the embedded Postgres of a run in a process of its own, forked detached by
 * PostgresServer: a terminal's Ctrl-C then reaches only the orchestrator (harness or demo),
 * which stops the apps first and this server last, instead of Postgres shutting down under
 * apps that are still finishing their requests. It can also restart the server (a fast
 * shutdown, then a start on the same data), for the chaos harness.
 */
const [dataDir, port] = process.argv.slice(2);
// Persistent, so that a restart keeps the data; the folder goes when the server stops for good.
const database = new EmbeddedDatabase(dataDir, Number(port), true);
let stopping: Promise<void> | undefined;
const stop = () =>
  (stopping ??= database.stop().finally(() => {
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  }));

async function restart(): Promise<void> {
  await database.stop();
  process.send!({ restarted: await database.start() });
}

process.on('message', (message) => {
  if (message === 'stop') void stop();
  if (message === 'restart')
    restart().catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
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
