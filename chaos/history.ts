import { createWriteStream, type WriteStream } from 'node:fs';

/** What became of an operation: applied (ok), not applied (fail), or not known (info). */
export type Outcome = 'ok' | 'fail' | 'info';

export type OperationKind = 'store-sale' | 'central-receive' | 'central-sale';

export interface Operation {
  n: number;
  kind: OperationKind;
  key: string;
  node: string;
  storeId: string;
  productId: string;
  delta: number;
}

export interface Completed extends Operation {
  outcome: Outcome;
  /** The answer's status, or the error when none came. */
  answer: string;
  attempts: number;
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
    this.write({ type: 'invoke', ...operation });
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
