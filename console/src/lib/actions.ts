import { afterDoubt, describeOutcome, type Outcome } from './outcome';

/** A person's action at a store's till: sell or receive a quantity of one product. */
export interface ActionRequest {
  kind: 'sale' | 'receive';
  productId: string;
  quantity: number;
}

/**
 * One action, with the one idempotency key all its attempts send: a retry after an unknown
 * outcome reuses it, so a lost answer can never become a second sale. A new action (the next
 * click of Sell) gets a new key.
 */
export interface UserAction {
  /** The key doubles as the action's identity: unique, and kept across page loads. */
  idempotencyKey: string;
  request: ActionRequest;
  attempts: number;
  sending: boolean;
  outcome?: Outcome;
  /** An attempt's outcome was unknown and no definite answer has settled it since. */
  inDoubt: boolean;
  /** When the last answer came (ms since the epoch). */
  answeredAt?: number;
}

export function newAction(request: ActionRequest, idempotencyKey = randomKey()): UserAction {
  return { idempotencyKey, request, attempts: 0, sending: false, inDoubt: false };
}

/** The action as it is being sent (again): same key, one attempt more. */
export const sending = (action: UserAction): UserAction => ({
  ...action,
  attempts: action.attempts + 1,
  sending: true,
});

/** The action with an attempt's outcome, which cannot undo a doubt an earlier one left. */
export function settled(action: UserAction, answered: Outcome): UserAction {
  const outcome = action.inDoubt ? afterDoubt(answered) : answered;
  return {
    ...action,
    sending: false,
    outcome,
    inDoubt: outcome.tone === 'unknown',
    answeredAt: Date.now(),
  };
}

/** Only an open outcome is worth a retry, and only with the same key. */
export const canRetry = (action: UserAction): boolean =>
  !action.sending && action.outcome?.retrySameKey === true;

const STORAGE_KEY = 'inventory-console.actions';

/**
 * The till's actions, kept in the tab's session storage: after a reload (the natural reaction
 * to an unknown outcome) the person still has the key to retry with, not a fresh one.
 */
export function saveActions(storage: Storage, actions: UserAction[]): void {
  storage.setItem(STORAGE_KEY, JSON.stringify(actions));
}

/** The saved actions; one whose answer never came (the page went away) is unknown. */
export function loadActions(storage: Storage): UserAction[] {
  try {
    const saved = JSON.parse(storage.getItem(STORAGE_KEY) ?? '[]') as UserAction[];
    return saved.map((action) =>
      action.sending
        ? settled(action, describeOutcome({ failure: 'the page closed before the answer came' }))
        : action,
    );
  } catch {
    return [];
  }
}

function randomKey(): string {
  return `console-${crypto.randomUUID()}`;
}
