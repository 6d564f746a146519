import { ValidationFailedError } from '../errors/common.errors';

/**
 * Opaque keyset cursors: the last key of a page, base64url-encoded so clients treat it as a
 * token. Keyset (not offset) paging stays stable while rows are inserted.
 */
export function encodeCursor(lastKey: string): string {
  return Buffer.from(JSON.stringify({ k: lastKey }), 'utf8').toString('base64url');
}

/** A cursor key that is a bigint id (a movement's, a reservation's sequence number). */
export const isBigintKey = (key: string) => /^[1-9]\d{0,17}$/.test(key);

export function decodeCursor(
  cursor: string | undefined,
  isKey: (key: string) => boolean = () => true,
): string | undefined {
  if (cursor === undefined) return undefined;
  try {
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as {
      k?: unknown;
    };
    // A NUL could never be a key: Postgres text cannot hold it, and the query would fail.
    if (typeof decoded.k === 'string' && !decoded.k.includes('\u0000') && isKey(decoded.k)) {
      return decoded.k;
    }
  } catch {
    // falls through to the validation error
  }
  throw new ValidationFailedError([
    { field: 'cursor', messages: ['cursor is not a cursor this API issued'] },
  ]);
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Builds a page from `limit + 1` fetched rows: the extra row only proves there is a next page. */
export function toPage<Row, T>(
  rows: Row[],
  limit: number,
  keyOf: (row: Row) => string,
  map: (rows: Row[]) => T[],
): Page<T> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  return {
    items: map(pageRows),
    nextCursor: hasMore ? encodeCursor(keyOf(pageRows[pageRows.length - 1])) : null,
  };
}
