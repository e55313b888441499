// Stage 3: callbacks on Node's event loop.
//
// In stage 2 we wrote the reactor ourselves: a loop that asked select() which
// sockets were ready and then read them. Node already has one. Its event loop
// (libuv, epoll on Linux) waits on every socket of the process at once, and when
// bytes arrive it calls the functions we registered for that socket: 'data',
// 'end', 'error'. Twisted's reactor does the same for the tutorial's clients.
//
// So the poetry logic comes apart from the loop. One download is one function:
//
//   getPoetry(address, (err, poem) => { ... })
//
// It returns at once, before a single byte has arrived. The poem comes later, to
// the callback, which Node's convention calls "error-first": callback(err) when
// the download failed, callback(null, poem) when it succeeded; exactly once.
//
// What it costs: the caller's code is cut in two (before the call, and inside the
// callback), errors never reach a try/catch, and "when are all the downloads
// done?" is bookkeeping the caller writes by hand (see cli.ts). And the caller
// hands its code over on trust: that it is called once, never twice, and never
// before getPoetry has returned (finish() and process.nextTick below keep those
// promises; the README's exercises break them). Stage 4 lets the caller write its
// steps in order again, in a generator; stage 5 turns the callback into a value,
// a Promise, that can be awaited and combined.
import net from 'node:net';

import { abortError, poemTooLongError, timeoutError, type Address } from '@slow-poetry/shared';

export type PoetryCallback = (err: Error | null, poem?: Uint8Array) => void;

export interface GetPoetryOptions {
  /** Seconds to wait for the connection, or for the next bytes, before failing with ETIMEDOUT. */
  timeout?: number;
  /** Fail with EPOEMTOOLONG once the poem grows past this many bytes (a server that never stops). */
  maxBytes?: number;
  /** Abort the download: the socket is closed and the callback gets an AbortError. */
  signal?: AbortSignal;
  /** Called once the connection is made. */
  onConnect?: () => void;
  /** Called for every chunk as it arrives (for progress lines). */
  onChunk?: (chunk: Uint8Array) => void;
}

/** Download one poem; `callback(err, poem)` is called exactly once, later. */
export function getPoetry(address: Address, callback: PoetryCallback): void;
export function getPoetry(address: Address, options: GetPoetryOptions, callback: PoetryCallback): void;
export function getPoetry(
  address: Address,
  optionsOrCallback: GetPoetryOptions | PoetryCallback,
  maybeCallback?: PoetryCallback,
): void {
  const options = typeof optionsOrCallback === 'function' ? {} : optionsOrCallback;
  const callback = typeof optionsOrCallback === 'function' ? optionsOrCallback : maybeCallback!;
  const { timeout, maxBytes, signal } = options;

  if (signal?.aborted) {
    // Cancelled before it started (with --concurrency, every download still in
    // the queue when --fail-fast aborts ends here): no connection. Still call
    // back later, never before getPoetry has returned (Node's rule for callback APIs).
    process.nextTick(() => callback(abortError(signal.reason)));
    return;
  }

  const chunks: Uint8Array[] = []; // kept as they come, joined once at the end
  let bytes = 0;
  let called = false;

  const socket = net.connect({ host: address.host, port: address.port });

  // Every way out goes through here: the first one wins, the socket is closed,
  // and whatever the socket does afterwards (an error after the end, a late
  // timeout) can no longer reach the caller.
  const finish = (err: Error | null, poem?: Uint8Array): void => {
    if (called) return;
    called = true;
    signal?.removeEventListener('abort', onAbort);
    socket.destroy();
    if (err) callback(err);
    else callback(null, poem);
  };
  const onAbort = (): void => finish(abortError(signal?.reason));

  signal?.addEventListener('abort', onAbort, { once: true });
  if (timeout !== undefined) {
    // Counts from now during the connection, then from the last bytes received.
    socket.setTimeout(timeout * 1000, () => finish(timeoutError(timeout)));
  }

  socket.on('connect', () => options.onConnect?.());
  socket.on('data', (chunk: Buffer) => {
    bytes += chunk.byteLength;
    if (maxBytes !== undefined && bytes > maxBytes) return finish(poemTooLongError(maxBytes));
    chunks.push(chunk);
    options.onChunk?.(chunk);
  });
  // The protocol has no length field: the server closing its side is the end of the poem.
  socket.on('end', () => finish(null, Buffer.concat(chunks, bytes)));
  socket.on('error', (err) => finish(err));
  // 'close' always comes last; if nothing above finished the task, the poem was cut short.
  socket.on('close', () => finish(new Error('connection closed before the end of the poem')));
}
