import { Client } from 'pg';

/**
 * node-postgres's Client that never ends the process with an unheard `error` event. A server
 * that goes away (a restart, an administrator's terminate) may make a connection emit `error`
 * more than once; TypeORM listens only until the first, and an unheard one is thrown by Node.
 * The failure still reaches whoever uses the connection (its query rejects) and the pool drops
 * the connection; this listener only keeps the process alive.
 */
export class GuardedClient extends Client {
  constructor(...args: ConstructorParameters<typeof Client>) {
    super(...args);
    this.on('error', () => undefined);
  }
}
