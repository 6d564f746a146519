import { CentralProtocolError } from './sync.errors';

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw new CentralProtocolError(`Central sent a line that is not JSON: ${line.slice(0, 80)}`);
  }
}

/**
 * Parses newline-delimited JSON as it streams in, one value per line, holding only the
 * unfinished last line between chunks (a chunk may end inside a line or inside a character).
 */
export async function* ndjsonValues(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<unknown> {
  const decoder = new TextDecoder();
  let partial = '';
  for await (const chunk of chunks) {
    const lines = (partial + decoder.decode(chunk, { stream: true })).split('\n');
    partial = lines.pop()!;
    for (const line of lines) if (line.trim()) yield parseLine(line);
  }
  partial += decoder.decode();
  if (partial.trim()) yield parseLine(partial);
}
