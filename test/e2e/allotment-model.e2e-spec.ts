import fc from 'fast-check';
import type { Client } from 'pg';
import {
  createProducts,
  createStores,
  eventually,
  ledgerInconsistencies,
  openDb,
  receive,
  S1,
  update,
} from '../support/e2e';
import type { HttpResponse } from '../support/http-client';
import { createTestApp, KEYS, storeNodeEnv, type TestApp } from '../support/test-app';

/**
 * Model-based: seeded random sequences of store sales, central sales, receives at either end,
 * cuts, restores, store restarts and target changes, checked against a model after every step
 * and for exact convergence at the end. MODEL_RUNS sets the sequences, MODEL_SEED replays one
 * (fast-check prints the seed and the shrunk sequence of a failure), `random` explores.
 */
const RUNS = Number(process.env.MODEL_RUNS ?? 12);
const SEED =
  process.env.MODEL_SEED === 'random'
    ? Math.floor(Math.random() * 2 ** 31)
    : Number(process.env.MODEL_SEED ?? 20_261_202);
const INITIAL_STOCK = 20;
const STORE_ENV = {
  HEARTBEAT_INTERVAL_MS: '50',
  SYNC_WAIT_SECONDS: '2',
  SYNC_MAX_BACKOFF: '200ms',
};

/** What the answers so far commit the system to. */
interface Model {
  connected: boolean;
  /** Units received and acknowledged (200 or 202), at central or at the store. */
  received: number;
  /** Of those, received at the store while cut (202): central may not have them yet. */
  receivedLocally: number;
  /** Units sold and acknowledged by central (200). */
  soldCentrally: number;
  /** Units sold from the allotment (202): central may not have them yet. */
  soldLocally: number;
  /** Acknowledged sales, each of which central's ledger must tell exactly once. */
  sales: number;
}

interface Real {
  central: TestApp;
  centralDb: Client;
  store: TestApp;
  productId: string;
}

type Command = fc.AsyncCommand<Model, Real>;

/** A step of a sequence: it acts, then the invariants are checked against the model. */
abstract class Step implements Command {
  check(_model: Readonly<Model>): boolean {
    return true;
  }

  async run(model: Model, real: Real): Promise<void> {
    await this.act(model, real);
    await checkInvariants(model, real);
  }

  protected abstract act(model: Model, real: Real): Promise<void>;
  abstract toString(): string;
}

async function centralLevel(real: Real) {
  return (await real.central.http.get(`/v1/inventory/${real.productId}/stores/${S1}`)).body;
}

/** After every step: the invariant at central, and the bounds the answers so far set. */
async function checkInvariants(model: Model, real: Real): Promise<void> {
  const level = await centralLevel(real);
  const lowest = model.received - model.receivedLocally - model.soldCentrally - model.soldLocally;
  const highest = model.received - model.soldCentrally;
  const state = { level, model };
  expect({ state, ok: level.allotment >= 0 && level.allotment <= level.available }).toEqual({
    state,
    ok: true,
  });
  expect({ state, ok: level.onHand >= lowest && level.onHand <= highest }).toEqual({
    state,
    ok: true,
  });
  const own = (await real.store.http.get(`/v1/store/inventory/${real.productId}`)).body;
  expect({ own, ok: own.allotmentRemaining >= 0 && own.onHand >= 0 }).toEqual({ own, ok: true });
}

function expectOneOf(
  answer: HttpResponse,
  allowed: Partial<Record<number, string[] | null>>,
  what: string,
) {
  const codes = allowed[answer.status];
  const where = `${what} -> ${answer.status} ${JSON.stringify(answer.body)}`;
  expect({ where, allowed: codes !== undefined }).toEqual({ where, allowed: true });
  if (codes)
    expect({ where, known: codes.includes(answer.body.code) }).toEqual({ where, known: true });
}

class StoreSale extends Step {
  constructor(readonly quantity: number) {
    super();
  }
  protected async act(model: Model, real: Real) {
    const answer = await real.store.http.post(
      '/v1/store/sales',
      { productId: real.productId, quantity: this.quantity },
      { key: KEYS.client },
    );
    // Forwarded (200) only while connected; refused for lack of stock or allotment, never 5xx.
    const refusals = model.connected
      ? ['insufficient_stock', 'insufficient_allotment']
      : ['insufficient_allotment'];
    expectOneOf(
      answer,
      { 202: null, 409: refusals, ...(model.connected ? { 200: null } : {}) },
      this.toString(),
    );
    if (answer.status === 202) model.soldLocally += this.quantity;
    if (answer.status === 200) model.soldCentrally += this.quantity;
    if (answer.status < 300) model.sales++;
  }
  toString() {
    return `store sells ${this.quantity}`;
  }
}

class CentralSale extends Step {
  constructor(readonly quantity: number) {
    super();
  }
  protected async act(model: Model, real: Real) {
    const answer = await update(real.central, {
      storeId: S1,
      productId: real.productId,
      delta: -this.quantity,
      reason: 'sale',
    });
    expectOneOf(answer, { 200: null, 409: ['insufficient_stock'] }, this.toString());
    if (answer.status === 200) {
      model.soldCentrally += this.quantity;
      model.sales++;
    }
  }
  toString() {
    return `central sells ${this.quantity}`;
  }
}

class CentralReceive extends Step {
  constructor(readonly quantity: number) {
    super();
  }
  protected async act(model: Model, real: Real) {
    await receive(real.central, real.productId, S1, this.quantity);
    model.received += this.quantity;
  }
  toString() {
    return `central receives ${this.quantity}`;
  }
}

class StoreReceive extends Step {
  constructor(readonly quantity: number) {
    super();
  }
  protected async act(model: Model, real: Real) {
    const answer = await real.store.http.post('/v1/store/inventory/updates', {
      storeId: S1,
      productId: real.productId,
      delta: this.quantity,
      reason: 'receive',
    });
    // Central's while connected; into the allotment while cut.
    expectOneOf(answer, { [model.connected ? 200 : 202]: null }, this.toString());
    model.received += this.quantity;
    if (answer.status === 202) model.receivedLocally += this.quantity;
  }
  toString() {
    return `store receives ${this.quantity}`;
  }
}

class SetLink extends Step {
  constructor(readonly online: boolean) {
    super();
  }
  override check(model: Readonly<Model>) {
    return model.connected !== this.online;
  }
  protected async act(model: Model, real: Real) {
    const answer = await real.store.http.post('/v1/store/connectivity', { online: this.online });
    expect(answer.status).toBe(200);
    model.connected = this.online;
  }
  toString() {
    return this.online ? 'restore the link' : 'cut the link';
  }
}

class RestartStore extends Step {
  protected async act(model: Model, real: Real) {
    await real.store.close();
    real.store = await createTestApp(
      storeNodeEnv(real.central.baseUrl, S1, STORE_ENV),
      real.store.databaseUrl,
    );
    model.connected = true; // a new process starts with its link up
  }
  toString() {
    return 'restart the store';
  }
}

class SetTarget extends Step {
  constructor(readonly target: number | null) {
    super();
  }
  protected async act(_model: Model, real: Real) {
    const answer = await real.central.http.put(
      `/v1/admin/stores/${S1}/allotment-targets/${real.productId}`,
      { target: this.target },
    );
    expect(answer.status).toBe(200);
  }
  toString() {
    return `set the target to ${this.target ?? 'the share'}`;
  }
}

const commands = [
  fc.integer({ min: 1, max: 4 }).map((q) => new StoreSale(q)),
  fc.integer({ min: 1, max: 4 }).map((q) => new StoreSale(q)),
  fc.integer({ min: 1, max: 4 }).map((q) => new CentralSale(q)),
  fc.integer({ min: 1, max: 8 }).map((q) => new CentralReceive(q)),
  fc.integer({ min: 1, max: 8 }).map((q) => new StoreReceive(q)),
  fc.boolean().map((online) => new SetLink(online)),
  fc.constant(new RestartStore()),
  fc.option(fc.integer({ min: 0, max: 12 }), { nil: null }).map((t) => new SetTarget(t)),
];

describe(`allotments against a model (seed ${SEED}, ${RUNS} sequences)`, () => {
  let central: TestApp;
  let centralDb: Client;
  let store: TestApp;
  let run = 0;

  beforeAll(async () => {
    central = await createTestApp();
    centralDb = await openDb(central);
    await createStores(central, S1);
    store = await createTestApp(storeNodeEnv(central.baseUrl, S1, STORE_ENV));
  });

  afterAll(async () => {
    await store.close();
    await centralDb.end();
    await central.close();
  });

  /** Once the link is up and the outbox empty, everything agrees exactly. */
  async function checkConvergence(model: Model, real: Real): Promise<void> {
    if (!model.connected) await real.store.http.post('/v1/store/connectivity', { online: true });
    const expectedOnHand = model.received - model.soldCentrally - model.soldLocally;
    const settled = await eventually(
      async () => ({
        own: (await real.store.http.get(`/v1/store/inventory/${real.productId}`)).body,
        central: await centralLevel(real),
        // Read last: a release the policy asks for moves no on-hand, only the allotment.
        outbox: (await real.store.http.get('/v1/store/sync/status')).body.outbox,
      }),
      ({ outbox, own, central }) =>
        outbox.pending === 0 &&
        own.pendingQuantity === 0 &&
        own.allotmentRemaining === central.allotment &&
        own.version === central.version &&
        central.onHand === expectedOnHand,
      'the outbox to drain and the replica to match central',
    );
    expect(settled.outbox.rejected).toBe(0);
    expect(settled.own).toMatchObject({
      onHand: settled.central.onHand,
      allotment: settled.central.allotment,
      allotmentRemaining: settled.central.allotment,
    });
    const { rows } = await centralDb.query<{ sales: number; sold: number }>(
      `SELECT count(*)::int AS sales, coalesce(-sum(delta), 0)::int AS sold
       FROM stock_movements WHERE product_id = $1 AND kind = 'sale'`,
      [real.productId],
    );
    expect(rows[0]).toEqual({ sales: model.sales, sold: model.soldCentrally + model.soldLocally });
    expect(await ledgerInconsistencies(centralDb)).toEqual([]);
  }

  it('never breaks the invariant, loses or doubles a sale, and converges exactly', async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 25 }), async (sequence) => {
        const productId = `MODEL-${++run}`;
        await createProducts(central, productId);
        await receive(central, productId, S1, INITIAL_STOCK);
        const model: Model = {
          connected: true,
          received: INITIAL_STOCK,
          receivedLocally: 0,
          soldCentrally: 0,
          soldLocally: 0,
          sales: 0,
        };
        await eventually(
          () => store.http.get(`/v1/store/inventory/${productId}`),
          (read) => read.status === 200,
          'the product to reach the store',
        );
        const real: Real = { central, centralDb, store, productId };
        try {
          await fc.asyncModelRun(() => ({ model, real }), sequence);
          await checkConvergence(model, real);
        } finally {
          store = real.store;
          if (!model.connected) await store.http.post('/v1/store/connectivity', { online: true });
        }
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  });
});
