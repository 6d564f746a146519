import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const BEGIN = '<!-- bench:results:begin (written by npm run bench; edit outside these markers) -->';
const END = '<!-- bench:results:end -->';

/**
 * Puts the latest table between the markers of the Markdown report, leaving the analysis
 * around them as written; a report without markers gets them appended.
 */
export function writeIntoDocs(path: string, markdown: string): void {
  const section = `${BEGIN}\n${markdown}\n${END}`;
  const current = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
  const begin = current.indexOf(BEGIN);
  const end = current.indexOf(END);
  const next =
    begin >= 0 && end > begin
      ? `${current.slice(0, begin)}${section}${current.slice(end + END.length)}`
      : `${current.trimEnd()}\n\n## Latest run\n\n${section}\n`;
  writeFileSync(path, next);
}
