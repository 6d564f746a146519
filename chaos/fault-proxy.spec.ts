import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { FaultProxy } from './fault-proxy';

/** A TCP server that answers every chunk with the same bytes. */
async function echoServer(): Promise<Server> {
  const server = createServer((socket) => socket.on('data', (chunk) => socket.write(chunk)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** A client of the proxy that collects what comes back and how the connection ended. */
async function connect(proxy: FaultProxy) {
  const socket: Socket = createConnection({ host: '127.0.0.1', port: proxy.port });
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
  const ended = new Promise<string>((resolve) => {
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    socket.once('close', () => resolve('closed'));
  });
  return { socket, received: () => received, ended };
}

/** Resolves once `probe` holds, polling; the tests wait for states, not for times. */
async function until(probe: () => boolean): Promise<void> {
  while (!probe()) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** Gives the event loop a few turns, so that bytes in flight would have arrived by now. */
const afterRoundTrips = () => new Promise((resolve) => setTimeout(resolve, 100));

describe('FaultProxy', () => {
  let echo: Server;
  let proxy: FaultProxy;

  beforeEach(async () => {
    echo = await echoServer();
    proxy = await FaultProxy.start({
      host: '127.0.0.1',
      port: (echo.address() as { port: number }).port,
    });
  });

  afterEach(async () => {
    await proxy.close();
    await new Promise((resolve) => echo.close(resolve));
  });

  it('relays both ways while it passes', async () => {
    const client = await connect(proxy);
    client.socket.write('ping');
    await until(() => client.received() === 'ping');
    client.socket.destroy();
  });

  it('delivers nothing while stalled, then everything in order when it passes again', async () => {
    const client = await connect(proxy);
    proxy.set({ kind: 'stall' });
    client.socket.write('a');
    client.socket.write('b');
    await afterRoundTrips();
    expect(client.received()).toBe('');
    proxy.heal();
    await until(() => client.received() === 'ab');
    client.socket.destroy();
  });

  it('delays every chunk by its latency and keeps their order', async () => {
    const client = await connect(proxy);
    proxy.set({ kind: 'latency', ms: 50 });
    const sent = Date.now();
    for (const letter of ['x', 'y', 'z']) client.socket.write(letter);
    await until(() => client.received() === 'xyz');
    // Twice over (there and back), at least: a lower bound, never a speed claim.
    expect(Date.now() - sent).toBeGreaterThanOrEqual(100);
    client.socket.destroy();
  });

  it('swallows what a blackholed link carries, and closes those connections when it heals', async () => {
    const before = await connect(proxy);
    proxy.set({ kind: 'blackhole' });
    const during = await connect(proxy); // accepted, as a partition would let a SYN through
    before.socket.write('lost');
    during.socket.write('lost too');
    await afterRoundTrips();
    expect([before.received(), during.received()]).toEqual(['', '']);
    proxy.heal();
    expect(await before.ended).toBe('closed');
    expect(await during.ended).toBe('closed');
    const after = await connect(proxy);
    after.socket.write('back');
    await until(() => after.received() === 'back');
    after.socket.destroy();
  });

  it('resets open connections and every new one while reset', async () => {
    const open = await connect(proxy);
    proxy.set({ kind: 'reset' });
    expect(await open.ended).toBe('ECONNRESET');
    const socket = createConnection({ host: '127.0.0.1', port: proxy.port });
    const refused = await new Promise<string>((resolve) => {
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? ''));
      socket.once('close', () => resolve('closed'));
    });
    expect(refused).toBe('ECONNRESET');
    proxy.heal();
    const after = await connect(proxy);
    after.socket.write('ok');
    await until(() => after.received() === 'ok');
    after.socket.destroy();
  });
});
