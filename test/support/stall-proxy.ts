import { createServer, type Server, type Socket, connect } from 'node:net';

/**
 * A TCP proxy in front of an app that can stall: while stalled it accepts connections and
 * bytes in both directions but delivers none, as a SIGSTOPped server's kernel would; on resume
 * it delivers everything it held, in order, including requests whose client already gave up
 * (the server then runs them, and their answers go nowhere).
 */
export class StallProxy {
  private readonly server: Server;
  private readonly connections = new Set<Socket>();
  private stalled = false;
  private readonly held: (() => void)[] = [];
  private readonly seen = new Map<string, number>();
  private readonly waiters: { requestLine: string; count: number; resolve: () => void }[] = [];

  private constructor(private readonly targetPort: number) {
    this.server = createServer((client) => this.relay(client));
  }

  static async start(targetUrl: string): Promise<StallProxy> {
    const proxy = new StallProxy(Number(new URL(targetUrl).port));
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    const { port } = this.server.address() as { port: number };
    return `http://127.0.0.1:${port}`;
  }

  /** Resolves once `count` more requests starting with `requestLine` (e.g. `POST /path`) came in. */
  whenMoreRequests(requestLine: string, count: number): Promise<void> {
    const target = (this.seen.get(requestLine) ?? 0) + count;
    return new Promise((resolve) => this.waiters.push({ requestLine, count: target, resolve }));
  }

  stall(): void {
    this.stalled = true;
  }

  resume(): void {
    this.stalled = false;
    for (const deliver of this.held.splice(0)) deliver();
  }

  async close(): Promise<void> {
    for (const socket of this.connections) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: Socket): void {
    client.on('data', (chunk: Buffer) => this.count(chunk.toString('latin1')));
    const upstream = connect(this.targetPort, '127.0.0.1');
    this.track(client);
    this.track(upstream);
    this.pipe(client, upstream);
    this.pipe(upstream, client);
  }

  /** Copies bytes and the end of the stream from one side to the other, held while stalled. */
  private pipe(from: Socket, to: Socket): void {
    const later = (deliver: () => void) => (this.stalled ? this.held.push(deliver) : deliver());
    from.on('data', (chunk) => later(() => to.write(chunk)));
    from.on('end', () => later(() => to.end()));
    from.on('close', () => later(() => to.end()));
    from.on('error', () => undefined);
  }

  private count(bytes: string): void {
    for (const waiter of [...this.waiters]) {
      const requests = bytes.split(`${waiter.requestLine} HTTP/1.1`).length - 1;
      if (requests === 0) continue;
      const seen = (this.seen.get(waiter.requestLine) ?? 0) + requests;
      this.seen.set(waiter.requestLine, seen);
      if (seen >= waiter.count) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  }

  private track(socket: Socket): void {
    this.connections.add(socket);
    socket.on('close', () => this.connections.delete(socket));
  }
}
