import type { Outcome } from './outcome';

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
  id: number;
  request: ActionRequest;
  idempotencyKey: string;
  attempts: number;
  sending: boolean;
  outcome?: Outcome;
}

let lastId = 0;

export function newAction(request: ActionRequest, idempotencyKey = randomKey()): UserAction {
  return { id: ++lastId, request, idempotencyKey, attempts: 0, sending: false };
}

/** The action as it is being sent (again): same key, one attempt more. */
export const sending = (action: UserAction): UserAction => ({
  ...action,
  attempts: action.attempts + 1,
  sending: true,
});

export const settled = (action: UserAction, outcome: Outcome): UserAction => ({
  ...action,
  sending: false,
  outcome,
});

/** Only an open outcome is worth a retry, and only with the same key. */
export const canRetry = (action: UserAction): boolean =>
  !action.sending && action.outcome?.retrySameKey === true;

function randomKey(): string {
  return `console-${crypto.randomUUID()}`;
}
