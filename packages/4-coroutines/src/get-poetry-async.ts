// Stage 4's getPoetry, rewritten with async/await. The same lines, with four
// words replaced (test/rewrite.test.ts replaces them in get-poetry.ts and gets
// this file's getPoetry and helpers, character for character):
//
//   function* → async function    yield → await    Coroutine → Promise    Future → Promise
//
// Nothing else had to change, because nothing else differs. An async function
// is a coroutine that the engine runs: at an `await` it is suspended, its frame
// kept, and when the promise settles the engine resumes it from a microtask,
// with the value or by throwing the error in at the await. That is run() in
// run.ts, and a Promise is the Future of future.ts, both built in: no run(), no
// runner to trust, and the compiler knows what each await gives (the `as` below
// is only kept so that the lines match).
//
// One thing is lost: Task.cancel(). Nobody outside can settle a promise, so an
// async function cannot be interrupted at its await; stage 5 passes an
// AbortSignal in beside it instead.
import net from 'node:net';

import { poemTooLongError, timeoutError, type Address } from '@slow-poetry/shared';

import type { GetPoetryOptions } from './get-poetry.js';

/** Download one poem: a promise of its bytes. */
export async function getPoetry(address: Address, options: GetPoetryOptions = {}): Promise<Uint8Array> {
  const { timeout, maxBytes } = options;
  const socket = net.connect({ host: address.host, port: address.port });
  // Counts from now during the connection, then from the last bytes received.
  if (timeout !== undefined) socket.setTimeout(timeout * 1000, () => socket.destroy(timeoutError(timeout)));
  try {
    await connection(socket); // suspended here until connected; a refused connection is thrown from here
    options.onConnect?.();
    const chunks: Uint8Array[] = []; // kept as they come, joined once at the end
    let bytes = 0;
    for (;;) {
      const chunk = (await nextChunk(socket)) as Buffer | null; // suspended here until bytes arrive
      // The protocol has no length field: the server closing its side is the end of the poem.
      if (chunk === null) break;
      bytes += chunk.byteLength;
      if (maxBytes !== undefined && bytes > maxBytes) throw poemTooLongError(maxBytes);
      chunks.push(chunk);
      options.onChunk?.(chunk);
    }
    return Buffer.concat(chunks, bytes);
  } finally {
    socket.destroy(); // every way out: the end of the poem, or any error thrown above
  }
}

/** A future that settles once the socket connects, or fails with its error (refused, unknown host, timed out). */
function connection(socket: net.Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    const onConnect = (): void => {
      socket.off('error', onError);
      resolve();
    };
    const onError = (err: Error): void => {
      socket.off('connect', onConnect);
      reject(err);
    };
    socket.once('connect', onConnect).once('error', onError);
  });
}

/**
 * A future of the socket's next chunk, or of null once the server has closed its
 * side, or of the socket's error. Reading pauses at each chunk: the next one
 * waits in the socket until the download asks again, so none can arrive while
 * nobody waits for it.
 */
function nextChunk(socket: net.Socket): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const stopListening = (): void => void socket.off('data', onData).off('end', onEnd).off('error', onError);
    const onData = (chunk: Buffer): void => {
      stopListening();
      socket.pause();
      resolve(chunk);
    };
    const onEnd = (): void => {
      stopListening();
      resolve(null);
    };
    const onError = (err: Error): void => {
      stopListening();
      reject(err);
    };
    socket.on('data', onData).on('end', onEnd).on('error', onError);
    socket.resume();
  });
}
