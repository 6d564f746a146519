import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * What a link does to its traffic. `pass` relays; `latency` delays every chunk, in order;
 * `stall` holds every chunk and delivers it when the link passes again (a paused peer whose
 * kernel still accepts bytes); `blackhole` accepts connections and bytes and never delivers
 * any (a partition that drops packets: connections made or used during it are closed when it
 * heals, as their streams lost bytes); `reset` resets every connection, open or new (a peer
 * that is gone).
 */
export type LinkFault =
  | { kind: 'pass' }
  | { kind: 'latency'; ms: number }
  | { kind: 'stall' }
  | { kind: 'blackhole' }
  | { kind: 'reset' };

const PASS: LinkFault = { kind: 'pass' };

/** One direction of one connection: where its bytes go, and what the fault does to them. */
class Direction {
  private held: Buffer[] = [];
  private delivering = Promise.resolve();

  constructor(private readonly to: Socket) {}

  carry(chunk: Buffer, fault: LinkFault, connection: Connection): void {
    if (fault.kind === 'blackhole') {
      connection.lostBytes = true;
      return;
    }
    if (fault.kind === 'stall') {
      this.held.push(chunk);
      return;
    }
    const delay = fault.kind === 'latency' ? fault.ms : 0;
    // Chained, so that chunks keep their order whatever their delays.
    this.delivering = this.delivering.then(async () => {
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      if (!this.to.destroyed) this.to.write(chunk);
    });
  }

  /** The link passes again: what was held goes out first, in order. */
  release(fault: LinkFault, connection: Connection): void {
    const held = this.held;
    this.held = [];
    for (const chunk of held) this.carry(chunk, fault, connection);
  }
}

class Connection {
  lostBytes = false;
  readonly toTarget: Direction;
  readonly toClient: Direction;

  constructor(
    readonly client: Socket,
    readonly target: Socket | undefined,
  ) {
    this.toClient = new Direction(client);
    this.toTarget = new Direction(target ?? client);
  }

  reset(): void {
    this.client.resetAndDestroy();
    this.target?.resetAndDestroy();
  }

  close(): void {
    this.client.destroy();
    this.target?.destroy();
  }
}

/**
 * A TCP proxy on one link (a store to central, central to PostgreSQL) whose faults the chaos
 * harness sets: it speaks no protocol, so it serves HTTP, the feed's long polls and PostgreSQL
 * alike.
 */
export class FaultProxy {
  private readonly server: Server;
  private readonly connections = new Set<Connection>();
  private fault: LinkFault = PASS;

  private constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {
    this.server = createServer((client) => this.accept(client));
  }

  /** Listens on `port` (0: any free one) and relays to `target` (`host:port`). */
  static async start(target: { host: string; port: number }, port = 0): Promise<FaultProxy> {
    const proxy = new FaultProxy(target.host, target.port);
    await new Promise<void>((resolve, reject) => {
      proxy.server.once('error', reject);
      proxy.server.listen(port, '127.0.0.1', () => resolve());
    });
    return proxy;
  }

  get port(): number {
    return (this.server.address() as { port: number }).port;
  }

  get current(): LinkFault {
    return this.fault;
  }

  get openConnections(): number {
    return this.connections.size;
  }

  set(fault: LinkFault): void {
    this.fault = fault;
    if (fault.kind === 'reset') {
      for (const connection of this.connections) connection.reset();
      return;
    }
    if (fault.kind === 'pass' || fault.kind === 'latency') {
      for (const connection of this.connections) {
        if (connection.lostBytes) {
          connection.close();
          continue;
        }
        connection.toTarget.release(fault, connection);
        connection.toClient.release(fault, connection);
      }
    }
  }

  heal(): void {
    this.set(PASS);
  }

  async close(): Promise<void> {
    for (const connection of this.connections) connection.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    client.on('error', () => undefined);
    if (this.fault.kind === 'reset') {
      client.resetAndDestroy();
      return;
    }
    // A blackholed link never reaches the target: the connection only swallows bytes.
    const target =
      this.fault.kind === 'blackhole'
        ? undefined
        : createConnection({ host: this.targetHost, port: this.targetPort });
    const connection = new Connection(client, target);
    if (!target) connection.lostBytes = true;
    this.connections.add(connection);
    client.on('data', (chunk: Buffer) => connection.toTarget.carry(chunk, this.fault, connection));
    target?.on('data', (chunk: Buffer) => connection.toClient.carry(chunk, this.fault, connection));
    target?.on('error', () => client.destroy());
    const forget = () => {
      this.connections.delete(connection);
      connection.close();
    };
    client.once('close', forget);
    target?.once('close', forget);
  }
}
