// Stage 5: promises, async/await, and async iterables.
//
// Stage 3's getPoetry returned nothing and called back later. Here it returns a
// value at once: a Promise, a placeholder for the poem that will arrive. Nothing
// has been downloaded yet when the call returns, but the caller holds something
// it can pass around, combine (Promise.allSettled waits for every download) and
// `await`, so that asynchronous code reads top to bottom again, with errors as
// exceptions and try/catch/finally instead of an `err` argument.
//
// The poem itself comes from poetryChunks(), an async iterable of the chunks: the
// caller *pulls* each chunk with `for await`. Pulling gives two things a callback
// cannot: the socket reads only as fast as the consumer asks (a slow consumer
// makes the server's sends back up, instead of the poem piling up in memory), and
// leaving the loop early (break, return, throw) closes the socket.
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
export async function* poetryChunks(address: Address, options: PoetryChunksOptions = {}): AsyncGenerator<Uint8Array, void, undefined> {
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
    // A socket is an async iterable of Buffers. It reads from the kernel only while
    // its small internal buffer has room, i.e. only as fast as we pull.
    for await (const chunk of socket as AsyncIterable<Buffer>) {
      bytes += chunk.byteLength;
      if (maxBytes !== undefined && bytes > maxBytes) throw poemTooLongError(maxBytes);
      // While the consumer holds the chunk, the time is theirs, not the server's silence.
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
