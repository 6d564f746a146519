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
