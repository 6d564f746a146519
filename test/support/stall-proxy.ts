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

  private track(socket: Socket): void {
    this.connections.add(socket);
    socket.on('close', () => this.connections.delete(socket));
  }
}
