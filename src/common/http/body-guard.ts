import { FieldViolation, ValidationFailedError } from '../errors/common.errors';

/** Our deepest body is a batch item (object, array, object); 32 leaves room and stops abuse. */
export const MAX_BODY_DEPTH = 32;
const NUL = '\u0000';

interface Pending {
  value: unknown;
  depth: number;
  path: string;
}

function fieldOf(parent: string, key: string): string {
  return parent ? `${parent}.${key}` : key;
}

/** The first thing in the body no handler may see, or undefined when there is none. */
function firstViolation(body: unknown): FieldViolation | undefined {
  // An explicit stack, not recursion: the point is to survive bodies nested 20,000 levels deep.
  const pending: Pending[] = [{ value: body, depth: 0, path: '' }];
  for (let item = pending.pop(); item; item = pending.pop()) {
    const { value, depth, path } = item;
    const field = path || 'body';
    if (typeof value === 'string' && value.includes(NUL)) {
      return { field, messages: [`${field} must not contain the NUL character (\\u0000)`] };
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_BODY_DEPTH) {
      return { field: 'body', messages: [`the body must not nest deeper than ${MAX_BODY_DEPTH}`] };
    }
    for (const [key, child] of Object.entries(value)) {
      if (key.includes(NUL)) {
        return { field, messages: [`the field names of ${field} must not contain NUL`] };
      }
      pending.push({ value: child, depth: depth + 1, path: fieldOf(path, key) });
    }
  }
  return undefined;
}

/**
 * Refuses, before any hook, pipe or handler walks the body, what would crash them or the
 * database: nesting deep enough to overflow the stack of the recursive code downstream
 * (class-transformer, the idempotency fingerprint), and NUL characters, which Postgres text and
 * jsonb cannot hold (the insert would fail with a 500 instead of a 400).
 */
export function assertSafeBody(body: unknown): void {
  const violation = firstViolation(body);
  if (violation) throw new ValidationFailedError([violation]);
}
