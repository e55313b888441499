// Stage 1: the blocking client.
//
// getPoetry(address) does what a function usually does: it returns its result.
// To do that it must wait, and a blocking socket waits by stopping the thread.
// connect() stops it until the server answers, and every recv() stops it until
// some bytes arrive. The whole program — Node's event loop, every timer, every
// other download — stands still meanwhile: nothing else can happen until the
// poem is here. Three poems take the *sum* of their download times.
//
// What it costs: all the time spent waiting is wasted. The servers are slow, not
// the network; the CPU idles while the thread sleeps in recv().
//
// What the next stage fixes: stage 2 makes its sockets non-blocking and waits for
// all of them at once with select(). It downloads every poem in about the time of
// the slowest one, but it can no longer have a getPoetry that returns a poem.
import { poemTooLongError, timeoutError, type Address } from '@slow-poetry/shared';
import { createConnection, PosixError } from '@slow-poetry/posix';

export interface GetPoetryOptions {
  /** Seconds to wait for the connection, and then for each next chunk. Default: forever. */
  timeout?: number;
  /** Fail (EPOEMTOOLONG) rather than hold more than this many bytes. */
  maxBytes?: number;
  /** Told when the connection is made (for the trace). */
  onConnect?: () => void;
  /** Told about every chunk as it arrives (for the trace and for partial poems). */
  onChunk?: (chunk: Uint8Array) => void;
}

/** Download one poem: returns its bytes once the server has closed the connection. */
export function getPoetry(address: Address, options: GetPoetryOptions = {}): Uint8Array {
  const { timeout, maxBytes } = options;
  let socket;
  try {
    socket = createConnection(address.host, address.port, timeout ?? null); // blocks until connected
  } catch (error) {
    throw ourTimeout(error, timeout);
  }
  try {
    options.onConnect?.();
    const chunks: Uint8Array[] = [];
    let bytes = 0;
    for (;;) {
      let chunk: Uint8Array;
      try {
        chunk = socket.recv(4096); // blocks until at least one byte (or the end) arrives
      } catch (error) {
        throw ourTimeout(error, timeout);
      }
      if (chunk.byteLength === 0) break; // the server closed the connection: the poem is complete
      bytes += chunk.byteLength;
      if (maxBytes !== undefined && bytes > maxBytes) throw poemTooLongError(maxBytes);
      chunks.push(chunk);
      options.onChunk?.(chunk);
    }
    // Join the chunks once, at the end: linear in the poem's size.
    return Buffer.concat(chunks, bytes); // bytes, not text: a chunk may end in the middle of a UTF-8 character
  } finally {
    socket.close();
  }
}

/** Every stage words a timeout the same way. */
function ourTimeout(error: unknown, seconds: number | undefined): unknown {
  return error instanceof PosixError && error.code === 'ETIMEDOUT' && seconds !== undefined ? timeoutError(seconds) : error;
}
