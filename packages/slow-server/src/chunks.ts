// Cutting a poem into chunks of `numBytes` bytes (not characters: a chunk may end
// in the middle of a multi-byte UTF-8 character, and clients must cope).
//
// Every chunk is a view (`subarray`) of bytes laid out once, never a copy: a
// server that sends thousands of chunks a second to thousands of clients would
// otherwise allocate, and soon collect, a buffer per chunk. A poem sent once is
// its own layout. An endless poem wraps around its end, so it is laid out as the
// poem followed by as much of itself as a chunk can reach past the end
// ("abc" in chunks of 2 becomes "abca"): every window of `numBytes` bytes that
// starts inside the poem is then contiguous.

export interface ChunkOptions {
  /** Repeat the poem forever. */
  endless?: boolean;
  /** Stop after this many bytes in all (the last chunk is cut short to fit). */
  limit?: number | undefined;
}

/** A poem laid out for sending in chunks of `numBytes`: prepare it once, cut it many times. */
export interface PreparedPoem {
  /** Every chunk is a view of these bytes. */
  readonly bytes: Uint8Array;
  /** The poem's own length (`bytes` is longer when endless). */
  readonly poemBytes: number;
  readonly numBytes: number;
  /** False for an empty poem, even when asked: there is nothing to repeat. */
  readonly endless: boolean;
}

export interface Chunks {
  next(): IteratorResult<Uint8Array, undefined>;
  /** True when `next()` would return no more chunks. */
  peekDone(): boolean;
}

/** Lay a poem out so that every chunk of it is a view, never a copy. */
export function preparePoem(poem: Uint8Array, numBytes: number, options: { endless?: boolean } = {}): PreparedPoem {
  if (!Number.isInteger(numBytes) || numBytes < 1) throw new RangeError('numBytes must be a positive integer');
  const endless = (options.endless ?? false) && poem.byteLength > 0;
  if (!endless) return { bytes: poem, poemBytes: poem.byteLength, numBytes, endless };
  // A chunk starts at most at the poem's last byte and is at most numBytes long.
  const bytes = new Uint8Array(poem.byteLength + numBytes - 1);
  for (let at = 0; at < bytes.byteLength; at += poem.byteLength) {
    bytes.set(poem.subarray(0, bytes.byteLength - at), at); // subarray clamps the last copy to what fits
  }
  return { bytes, poemBytes: poem.byteLength, numBytes, endless };
}

/** The chunks of a prepared poem, from its start: each connection takes its own. */
export function chunksFrom(prepared: PreparedPoem, options: { limit?: number | undefined } = {}): Chunks {
  const { bytes, poemBytes, numBytes, endless } = prepared;
  const limit = Math.min(endless ? Infinity : poemBytes, options.limit ?? Infinity);
  let offset = 0; // bytes produced so far

  return {
    peekDone: () => offset >= limit,
    next() {
      if (offset >= limit) return { done: true, value: undefined };
      const size = Math.min(numBytes, limit - offset);
      const from = endless ? offset % poemBytes : offset;
      offset += size;
      return { done: false, value: bytes.subarray(from, from + size) };
    },
  };
}

/** Prepare and cut in one go, for a single use. */
export function chunksOf(poem: Uint8Array, numBytes: number, options: ChunkOptions = {}): Chunks {
  return chunksFrom(preparePoem(poem, numBytes, options), options);
}
