/**
 * Postgres' answers to a connection that no retry can change (SQLSTATE codes): the database,
 * the role or its password is wrong. Anything else (refused, reset, starting up) may recover.
 */
const PERMANENT: ReadonlyMap<string, string> = new Map([
  ['3D000', 'create the database, or fix DATABASE_URL'],
  ['28P01', 'fix the password in DATABASE_URL'],
  ['28000', 'fix the role in DATABASE_URL, or let it in (pg_hba.conf)'],
  ['42501', 'grant the role the right to connect, or fix DATABASE_URL'],
]);

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Whether connecting again could succeed (the TypeORM module retries only then). */
export function isWorthRetrying(error: unknown): boolean {
  return !PERMANENT.has(codeOf(error) ?? '');
}

/** One line for a connection error no retry can fix; undefined for any other error. */
export function permanentConnectionError(error: unknown): string | undefined {
  const fix = PERMANENT.get(codeOf(error) ?? '');
  if (!fix || !(error instanceof Error)) return undefined;
  return `Cannot use the database: ${error.message} (${codeOf(error)}); ${fix}.`;
}

/** SQLSTATEs of a connection the server ended or refused: class 08, and shutdowns (57P01-03). */
const LOST_STATES = /^(08|57P0[123])/;
const LOST_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);
/** node-postgres and its pool say these in words, without a code. */
const LOST_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended/i;

/**
 * TypeORM releases a transaction's query runner when its connection fails; the transaction's
 * next statement (or its COMMIT) then fails with one of these instead of the driver's error.
 */
const RELEASED_RUNNER = new Set([
  'QueryRunnerAlreadyReleasedError',
  'QueryRunnerProviderAlreadyReleasedError',
]);

/**
 * Whether a query failed because the connection to the database was lost or could not be
 * made (TypeORM wraps the driver's error as `driverError`), rather than because of the query.
 */
export function isLostConnection(error: unknown): boolean {
  if (error instanceof Error && RELEASED_RUNNER.has(error.name)) return true;
  const cause = (error as { driverError?: unknown } | null)?.driverError ?? error;
  const code = codeOf(cause);
  if (code !== undefined && (LOST_STATES.test(code) || LOST_ERRNOS.has(code))) return true;
  return cause instanceof Error && LOST_MESSAGES.test(cause.message);
}
