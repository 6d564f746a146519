import type { ItemError } from '../../contract';
import type { DomainError } from './domain.error';

/** A refusal as a batch item or an outbox entry carries it: its code, detail and details. */
export function itemErrorOf(error: DomainError): ItemError {
  return { code: error.code, detail: error.message, ...error.details };
}
