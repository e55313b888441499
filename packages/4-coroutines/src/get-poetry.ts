// Stage 4: coroutines, by hand.
//
// Stage 3's getPoetry is cut into pieces: a handler for 'connect', one for
// 'data', one for 'end', each picking up where another left off through the
// variables they share. Here one download is one function again, read top to
// bottom like stage 1's: connect, then keep every chunk until the server
// closes, then return the poem. But it is a generator. At each `yield` it hands
// over a Future of what it waits for (the connection, the next chunk) and is
// suspended right there, local variables and all, until the runner (run.ts)
// resumes it with the value, or throws the error in at that yield. Nothing
// blocks: while it is suspended, the thread serves every other download.
//
//   const poem = run(getPoetry(address));   // a Task: a Future of the poem
//
// Calling getPoetry alone does nothing yet: it returns a paused download, a
// generator. run() starts it and gives back a Future of what it returns.
//
// What it costs: a runner and a Future we wrote ourselves and must get right; a
// `yield` whose type the compiler cannot know (the one `as` below: only the
// runner knows what it sends back); and a caller that must itself be a
// coroutine, or hold a Future, to wait for the poem. Stage 5 has all of it built
// in: a Promise is this Future in the language, and async/await is this runner
// in the engine. get-poetry-async.ts is this file's getPoetry rewritten word
// for word.
import net from 'node:net';

import { poemTooLongError, timeoutError, type Address } from '@slow-poetry/shared';

import { Future } from './future.js';
import type { Coroutine } from './run.js';

export interface GetPoetryOptions {
  /** Seconds to wait for the connection, or for the next bytes, before failing with ETIMEDOUT. */
  timeout?: number;
  /** Fail with EPOEMTOOLONG once the poem grows past this many bytes (a server that never stops). */
  maxBytes?: number;
  /** Called once the connection is made. */
  onConnect?: () => void;
  /** Called for every chunk as it arrives (for progress lines). */
  onChunk?: (chunk: Uint8Array) => void;
}

/**
 * Download one poem, as a coroutine. Nothing happens until it is run:
 * `run(getPoetry(address))` connects and gives a Task, a Future of the poem,
 * which `cancel()` stops (the socket is closed, the task fails with ECANCELLED).
 */
export function* getPoetry(address: Address, options: GetPoetryOptions = {}): Coroutine<Uint8Array> {
  const { timeout, maxBytes } = options;
  const socket = net.connect({ host: address.host, port: address.port });
  // Counts from now during the connection, then from the last bytes received.
  if (timeout !== undefined) socket.setTimeout(timeout * 1000, () => socket.destroy(timeoutError(timeout)));
  try {
    yield connection(socket); // suspended here until connected; a refused connection is thrown from here
    options.onConnect?.();
    const chunks: Uint8Array[] = []; // kept as they come, joined once at the end
    let bytes = 0;
    for (;;) {
      const chunk = (yield nextChunk(socket)) as Buffer | null; // suspended here until bytes arrive
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
function connection(socket: net.Socket): Future<void> {
  return new Future((resolve, reject) => {
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
function nextChunk(socket: net.Socket): Future<Buffer | null> {
  return new Future((resolve, reject) => {
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
