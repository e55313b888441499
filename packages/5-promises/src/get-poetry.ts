// Stage 5: promises, async/await, and async iterables.
//
// Stage 4 built two things by hand: a Future, a value that is not there yet, and
// run(), which drove a generator from one `yield` to the next as what it waited
// for arrived. Both are in the language: a Promise is the Future (its reactions
// run from a microtask; `then` returns a new promise), and `async`/`await` is run()
// with `yield`. So getPoetry is an ordinary async function: it returns a Promise
// of the poem at once, which the caller can pass around, combine
// (Promise.allSettled waits for every download) and `await`, with errors as
// exceptions and try/catch/finally.
//
// The poem itself comes from poetryChunks(), an async iterable of the chunks: the
// caller *pulls* each chunk with `for await`. Pulling gives two things a bare
// 'data' handler does not: the socket reads only as far ahead as its buffer allows
// (a slow consumer makes the server's sends back up, instead of the poem piling up
// in memory), and leaving the loop early (break, return, throw) closes the socket.
//
// What it costs: a Promise settles once, so it can carry the poem but not the
// progress (that needs a hook, onChunk, or the iterator), and it cannot be
// cancelled by itself (that needs an AbortSignal passed in beside it). Stage 6's
// Observable carries both: many values over time, and unsubscribe.
import { once } from 'node:events';
import net from 'node:net';

import { abortError, poemTooLongError, timeoutError, type Address } from '@slow-poetry/shared';

export interface PoetryChunksOptions {
  /** Seconds to wait for the connection, or for the next bytes, before failing with ETIMEDOUT. */
  timeout?: number;
  /** Fail with EPOEMTOOLONG once the poem grows past this many bytes (a server that never stops). */
  maxBytes?: number;
  /** Abort the download: the socket is closed and the promise rejects with an AbortError. */
  signal?: AbortSignal;
  /** Called once the connection is made. */
  onConnect?: () => void;
}

export interface GetPoetryOptions extends PoetryChunksOptions {
  /** Called for every chunk as it arrives (for progress lines). */
  onChunk?: (chunk: Uint8Array) => void;
}

/** Download one poem: a promise of its bytes. */
export async function getPoetry(address: Address, options: GetPoetryOptions = {}): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []; // kept as they come, joined once at the end
  for await (const chunk of poetryChunks(address, options)) {
    chunks.push(chunk);
    options.onChunk?.(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * The poem's chunks as they arrive, pulled with `for await`. Nothing connects
 * until the first chunk is asked for; leaving the loop closes the socket.
 */
export async function* poetryChunks(
  address: Address,
  options: PoetryChunksOptions = {},
): AsyncGenerator<Uint8Array, void, undefined> {
  const { timeout, maxBytes, signal } = options;
  if (signal?.aborted) throw abortError(signal.reason);

  const socket = net.connect({ host: address.host, port: address.port });
  // Ending the socket with an error makes whatever awaits it (the connection, the
  // next chunk) throw that error: that is how a timeout or an abort gets in.
  const onAbort = (): void => void socket.destroy(abortError(signal?.reason));
  signal?.addEventListener('abort', onAbort, { once: true });
  if (timeout !== undefined) {
    socket.on('timeout', () => socket.destroy(timeoutError(timeout)));
    socket.setTimeout(timeout * 1000);
  }

  try {
    await once(socket, 'connect'); // rejects with the socket's error (refused, timed out, aborted)
    options.onConnect?.();
    let bytes = 0;
    // A socket is an async iterable of Buffers. It reads from the kernel while its
    // buffer is below its high-water mark (16 KiB on Node 20, 64 KiB from Node 22),
    // then waits for us to pull: a slow consumer slows the server down.
    for await (const chunk of socket as AsyncIterable<Buffer>) {
      bytes += chunk.byteLength;
      if (maxBytes !== undefined && bytes > maxBytes) throw poemTooLongError(maxBytes);
      // While the consumer holds the chunk, the socket goes on reading into its buffer,
      // and each read restarts the idle timer; once the poem is all in, or the buffer is
      // full, the reads stop and the timer would run out on the consumer's time. Off
      // while the consumer works, on again when it asks for more: the timeout measures
      // the server's silence only.
      if (timeout !== undefined) socket.setTimeout(0);
      yield chunk;
      if (timeout !== undefined) socket.setTimeout(timeout * 1000);
    }
  } finally {
    // Every way out: the end of the poem, an error, or the consumer leaving the loop.
    signal?.removeEventListener('abort', onAbort);
    socket.destroy();
  }
}
