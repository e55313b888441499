// Cutting a poem into chunks of `numBytes` bytes (not characters: a chunk may end
// in the middle of a multi-byte UTF-8 character, and clients must cope).

export interface ChunkOptions {
  /** Repeat the poem forever. */
  endless?: boolean;
  /** Stop after this many bytes in all (the last chunk is cut short to fit). */
  limit?: number | undefined;
}

export interface Chunks {
  next(): IteratorResult<Uint8Array, undefined>;
  /** True when `next()` would return no more chunks. */
  peekDone(): boolean;
}

export function chunksOf(poem: Uint8Array, numBytes: number, options: ChunkOptions = {}): Chunks {
  if (!Number.isInteger(numBytes) || numBytes < 1) throw new RangeError('numBytes must be a positive integer');
  const endless = (options.endless ?? false) && poem.byteLength > 0;
  const total = endless ? Infinity : poem.byteLength;
  const limit = Math.min(total, options.limit ?? Infinity);
  let offset = 0; // bytes produced so far

  return {
    peekDone: () => offset >= limit,
    next() {
      if (offset >= limit) return { done: true, value: undefined };
      const size = Math.min(numBytes, limit - offset);
      const value = endless ? cyclicSlice(poem, offset % poem.byteLength, size) : poem.subarray(offset, offset + size);
      offset += size;
      return { done: false, value };
    },
  };
}

function cyclicSlice(poem: Uint8Array, from: number, size: number): Uint8Array {
  if (from + size <= poem.byteLength) return poem.subarray(from, from + size);
  const out = new Uint8Array(size);
  let written = 0;
  let at = from;
  while (written < size) {
    const take = Math.min(size - written, poem.byteLength - at);
    out.set(poem.subarray(at, at + take), written);
    written += take;
    at = (at + take) % poem.byteLength;
  }
  return out;
}
