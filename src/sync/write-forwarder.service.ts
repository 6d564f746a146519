import { Injectable, Logger } from '@nestjs/common';
import { CentralCircuit } from './central-circuit';
import { CentralClient, ForwardingContext } from './central.client';
import { levelOf, ReplicaLevel } from './central.contract';
import { CentralLink } from './central-link';
import { ReplicaService } from './replica.service';
import { StockUpdateBody, StockWriteGateway, StockWriteResult } from './stock-write.gateway';

/** The levels a write result reports as applied (a single result, or the applied items of a batch). */
export function levelsOfWriteResult(result: StockWriteResult): ReplicaLevel[] {
  const items: object[] = 'results' in result ? result.results : [result];
  return items
    .filter((item) => (item as { applied?: unknown }).applied === true)
    .map((item) => levelOf(item as Record<string, unknown>));
}

/**
 * Forwards a store's stock writes to central, the only place they can be decided, with the
 * same idempotency key on every attempt so a retry never applies twice; then writes central's
 * answer into the replica so the store reads its own write at once.
 */
@Injectable()
export class WriteForwarder extends StockWriteGateway {
  private readonly logger = new Logger(WriteForwarder.name);

  constructor(
    private readonly central: CentralClient,
    private readonly link: CentralLink,
    private readonly circuit: CentralCircuit,
    private readonly replica: ReplicaService,
  ) {
    super();
  }

  async submit(update: StockUpdateBody, context: ForwardingContext): Promise<StockWriteResult> {
    // Checked before the circuit: a cut link is no evidence about central's health.
    this.link.assertOnline();
    const result = (await this.circuit.execute(() =>
      this.central.postStockUpdate(update, context),
    )) as StockWriteResult;
    await this.applyLocally(result);
    return result;
  }

  /** Central has committed: a local failure must not turn that into an error (the feed repairs it). */
  private async applyLocally(result: StockWriteResult): Promise<void> {
    try {
      await this.replica.applyLevels(levelsOfWriteResult(result));
    } catch (error) {
      this.logger.warn(
        `Could not apply central's answer to the replica; the feed will bring it: ${String(error)}`,
      );
    }
  }
}
