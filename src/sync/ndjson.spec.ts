import { Readable } from 'node:stream';
import { ndjsonValues } from './ndjson';
import { CentralProtocolError } from './sync.errors';

const chunksOf = (...parts: Uint8Array[]): AsyncIterable<Uint8Array> => Readable.from(parts);

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<unknown[]> {
  const values: unknown[] = [];
  for await (const value of ndjsonValues(chunks)) values.push(value);
  return values;
}

describe('ndjsonValues', () => {
  it('reassembles lines and characters split across chunks', async () => {
    const bytes = new TextEncoder().encode('{"name":"Café"}\n\n{"n":2}\n{"n":3}');
    // Split inside the two-byte "é" and inside the second line.
    const cut = bytes.indexOf(0xc3) + 1;
    const values = await collect(
      chunksOf(bytes.slice(0, cut), bytes.slice(cut, cut + 12), bytes.slice(cut + 12)),
    );
    expect(values).toEqual([{ name: 'Café' }, { n: 2 }, { n: 3 }]);
  });

  it('refuses a line that is not JSON', async () => {
    await expect(
      collect(chunksOf(new TextEncoder().encode('{"ok":1}\nnot json\n'))),
    ).rejects.toThrow(CentralProtocolError);
  });
});
