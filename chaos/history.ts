import { createWriteStream, type WriteStream } from 'node:fs';

/** What became of an operation: applied (ok), not applied (fail), or not known (info). */
export type Outcome = 'ok' | 'fail' | 'info';

export type OperationKind =
  | 'store-sale'
  | 'central-receive'
  | 'central-sale'
  | 'remote-purchase'
  | 'count'
  | 'batch'
  | 'hold'
  | 'commit-hold'
  | 'release-hold'
  | 'create-product'
  | 'delete-product'
  | 'allotment-policy';

/** One level an operation changes, and the key its movement carries in central's ledger. */
export interface Change {
  /** The operation's key as central's ledger holds it, without a store caller's prefix. */
  ledgerKey: string;
  productId: string;
  storeId: string;
  /** How far onHand moves when it applies; absent for a count, whose ledger movement says. */
  delta?: number;
}

export interface Request {
  method: 'POST' | 'PUT' | 'DELETE';
  /** `{reservationId}` stands for the reservation a hold made, filled in when it is sent. */
  path: string;
  body?: unknown;
  /** Sent with the admin key (catalog and policy), not the client's. */
  admin?: boolean;
}

export interface Operation {
  n: number;
  kind: OperationKind;
  key: string;
  node: string;
  request: Request;
  /** The levels it changes; none for catalog and policy operations. */
  changes: Change[];
  /** Its changes apply together or not at all (false: a batch item by item). */
  atomic: boolean;
  /** A hold's ending (commit or release), sent after `afterMs`; none: the hold expires. */
  then?: Operation & { afterMs: number };
}

export interface Completed extends Omit<Operation, 'then'> {
  outcome: Outcome;
  /** The last answer's status and problem code, or the error when none came. */
  answer: string;
  /** Every attempt's answer, in order. */
  answers: string[];
  /** Which changes the answer says applied (ok only: a batch item by item may refuse some). */
  applied?: boolean[];
  /** The reservation an acknowledged hold made. */
  reservationId?: string;
}

export interface Fault {
  at: number;
  fault: string;
  target: string;
  ms?: number;
}

/** Every operation's invocation and completion, and the fault timeline, as JSON lines. */
export class History {
  readonly completed: Completed[] = [];
  readonly faults: Fault[] = [];
  private readonly out: WriteStream;
  private readonly started = Date.now();

  constructor(file: string) {
    this.out = createWriteStream(file);
  }

  invoke(operation: Operation): void {
    const { then: _then, ...invoked } = operation;
    this.write({ type: 'invoke', ...invoked });
  }

  complete(done: Completed): void {
    this.completed.push(done);
    this.write({ type: done.outcome, ...done });
  }

  fault(fault: Omit<Fault, 'at'>): void {
    const entry = { at: Date.now() - this.started, ...fault };
    this.faults.push(entry);
    this.write({ type: 'fault', ...entry });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.out.end(resolve));
  }

  private write(entry: Record<string, unknown>): void {
    this.out.write(`${JSON.stringify({ t: Date.now() - this.started, ...entry })}\n`);
  }
}
