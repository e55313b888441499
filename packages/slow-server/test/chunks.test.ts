import { describe, expect, it } from 'vitest';

import { chunksFrom, chunksOf, preparePoem } from '../src/chunks.js';
import { bytesOf } from './helpers.js';

const all = (poem: Uint8Array, size: number, options = {}): number[][] => {
  const chunks = chunksOf(poem, size, options);
  const out: number[][] = [];
  for (let next = chunks.next(); !next.done; next = chunks.next()) out.push([...next.value]);
  return out;
};

describe('chunksOf', () => {
  it('cuts a poem into chunks of the given number of bytes, the last one shorter', () => {
    expect(all(bytesOf('abcdefg'), 3)).toEqual([[97, 98, 99], [100, 101, 102], [103]]);
  });

  it('counts bytes, not characters, so a chunk may split a UTF-8 character', () => {
    const poem = bytesOf('aé'); // 'é' is two bytes
    expect(all(poem, 2)).toEqual([[0x61, 0xc3], [0xa9]]);
  });

  it('stops after a byte limit, cutting the last chunk short', () => {
    expect(all(bytesOf('abcdefg'), 3, { limit: 4 })).toEqual([[97, 98, 99], [100]]);
  });

  it('repeats the poem forever when endless, wrapping chunks around its end', () => {
    const chunks = chunksOf(bytesOf('abc'), 2, { endless: true });
    const seen = Array.from({ length: 4 }, () => [...(chunks.next().value ?? [])]);
    expect(seen).toEqual([
      [97, 98],
      [99, 97],
      [98, 99],
      [97, 98],
    ]);
    expect(chunks.peekDone()).toBe(false);
  });

  it('has nothing to send for an empty poem, even when endless', () => {
    expect(all(new Uint8Array(), 10, { endless: true })).toEqual([]);
  });

  it('rejects a chunk size below one byte', () => {
    expect(() => chunksOf(bytesOf('abc'), 0)).toThrow(RangeError);
  });
});

describe('preparePoem and chunksFrom', () => {
  it('lay an endless poem out once, so that every chunk, wrapped or not, is a view of the same bytes and never a copy', () => {
    const prepared = preparePoem(bytesOf('abc'), 2, { endless: true });
    expect([...prepared.bytes]).toEqual([97, 98, 99, 97]); // the poem, then as much as a chunk reaches past its end
    // Two connections, each with its own chunks, both cutting the one layout.
    for (const chunks of [chunksFrom(prepared), chunksFrom(prepared)]) {
      const seen = Array.from({ length: 5 }, () => chunks.next().value!);
      expect(seen.map((chunk) => [...chunk])).toEqual([
        [97, 98],
        [99, 97],
        [98, 99],
        [97, 98],
        [99, 97],
      ]);
      for (const chunk of seen) expect(chunk.buffer).toBe(prepared.bytes.buffer);
    }
  });

  it('repeat the poem as often as one chunk needs when a chunk is longer than the poem', () => {
    const prepared = preparePoem(bytesOf('ab'), 5, { endless: true });
    const chunks = chunksFrom(prepared);
    const seen = Array.from({ length: 3 }, () => chunks.next().value!);
    expect(seen.map((chunk) => new TextDecoder().decode(chunk))).toEqual(['ababa', 'babab', 'ababa']);
    for (const chunk of seen) expect(chunk.buffer).toBe(prepared.bytes.buffer);
  });

  it('lay a poem sent once out as itself: its chunks are views of the poem', () => {
    const poem = bytesOf('abcdefg');
    const prepared = preparePoem(poem, 3);
    expect(prepared.bytes).toBe(poem);
    const chunks = chunksFrom(prepared, { limit: 5 });
    const seen = [chunks.next().value!, chunks.next().value!];
    expect(seen.map((chunk) => [...chunk])).toEqual([
      [97, 98, 99],
      [100, 101],
    ]);
    for (const chunk of seen) expect(chunk.buffer).toBe(poem.buffer);
    expect(chunks.peekDone()).toBe(true);
  });
});
