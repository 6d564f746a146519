import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const BEGIN = '<!-- bench:results:begin (written by npm run bench; edit outside these markers) -->';
const END = '<!-- bench:results:end -->';

/**
 * Puts the latest table between the markers of the Markdown report, leaving the analysis
 * around them as written; a report without markers gets them appended.
 */
export async function writeIntoDocs(path: string, markdown: string): Promise<void> {
  const section = `${BEGIN}\n${markdown}\n${END}`;
  const current = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
  const begin = current.indexOf(BEGIN);
  const end = current.indexOf(END);
  const next =
    begin >= 0 && end > begin
      ? `${current.slice(0, begin)}${section}${current.slice(end + END.length)}`
      : `${current.trimEnd()}\n\n## Latest run\n\n${section}\n`;
  writeFileSync(path, await formatted(path, next));
}

/** The report is checked by Prettier like every other file, so it is written formatted. */
async function formatted(path: string, text: string): Promise<string> {
  const prettier = await import('prettier');
  const options = await prettier.resolveConfig(path);
  return prettier.format(text, { ...options, filepath: path });
}
