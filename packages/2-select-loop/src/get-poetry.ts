// Stage 2: the select loop, written out by hand.
//
// Every socket is non-blocking from the start, so no call ever waits for a
// server: connect() only starts connecting, and recv() with nothing to read fails
// at once with EAGAIN instead of stopping the thread. The program blocks in one
// place only — the wait in the middle of the loop — and there it waits for *all*
// the servers at once. Whichever socket is ready, we read what it has now (until
// EAGAIN), note it, and go back to waiting. This is the reactor pattern: wait for
// events, react to each, repeat. Three poems take about as long as the slowest one.
//
// What it costs: look at the loop. Waiting, connecting, reading, deciding a poem
// is finished, timeouts — the machinery — is tangled with our one piece of real
// work, collecting poems. And getPoetry can no longer hand back *a* poem: while
// one download waits, the loop must be free to serve the others, so no function
// can return one poem's text before the loop ends. All it can do is run the
// whole loop and return every result at the end. Reporting on the way needs the
// caller to hand in functions (the `on…` options) for the loop to call...
//
// What the next stage fixes: stage 3 gives the loop to Node (libuv's, on epoll
// here) and keeps only those functions: callbacks, called as the bytes arrive.
// While our own loop runs, that loop of Node's sits idle.
import { poemTooLongError, timeoutError, type Address } from '@slow-poetry/shared';
import { getaddrinfo, PosixError, Socket, type SocketAddress } from '@slow-poetry/posix';

import { waitForReady, type Poller } from './wait.js';

export interface GetPoetryOptions {
  /** How to wait: 'select' (the tutorial's, the default) or 'poll' (no 1024 limit). */
  poller?: Poller;
  /** Seconds a download may wait to connect, or for its next bytes. Default: forever. */
  timeout?: number;
  /** Fail a download (EPOEMTOOLONG) rather than hold more than this many bytes. */
  maxBytes?: number;
  /** Told when download `task` (0-based) has connected. */
  onConnect?: (task: number) => void;
  /** Told about every chunk read. */
  onChunk?: (task: number, chunk: Uint8Array) => void;
  /** Told when a server has closed the connection: that poem is complete. */
  onFinished?: (task: number, poem: Uint8Array) => void;
  /** Told when a download has failed; the others go on. */
  onFailed?: (task: number, error: Error, partial: Uint8Array) => void;
}

export type PoemResult = { ok: true; poem: Uint8Array } | { ok: false; error: Error; partial: Uint8Array };

/** One download in progress: its socket, its state, and the poem so far. */
interface Download {
  task: number;
  socket: Socket | undefined;
  state: 'connecting' | 'reading' | 'over';
  /** Addresses still to try if this connection fails (e.g. 'localhost' as ::1, then 127.0.0.1). */
  untried: SocketAddress[];
  chunks: Uint8Array[];
  bytes: number;
  /** When this download gives up if nothing happens (ms, performance.now()). */
  deadline: number;
}

/**
 * Download a poem from every address at once, in one loop, and return all the
 * results, in the order of the addresses, when the last download is over.
 */
export function getPoetry(addresses: Address[], options: GetPoetryOptions = {}): PoemResult[] {
  const { poller = 'select', timeout, maxBytes } = options;
  const timeoutMs = timeout === undefined ? Infinity : timeout * 1000;
  const results: PoemResult[] = new Array(addresses.length);
  const downloads: Download[] = addresses.map((_, task) => ({
    task,
    socket: undefined,
    state: 'connecting',
    untried: [],
    chunks: [],
    bytes: 0,
    deadline: Infinity,
  }));

  const finish = (download: Download): void => {
    download.state = 'over';
    download.socket?.close();
    const poem = Buffer.concat(download.chunks, download.bytes); // joined once, at the end: linear in the poem's size
    results[download.task] = { ok: true, poem };
    options.onFinished?.(download.task, poem);
  };
  const fail = (download: Download, error: Error): void => {
    download.state = 'over';
    download.socket?.close();
    const partial = Buffer.concat(download.chunks, download.bytes); // what arrived before the failure
    results[download.task] = { ok: false, error, partial };
    options.onFailed?.(download.task, error, partial);
  };

  /** Start a non-blocking connect to the next address: it completes when the socket turns writable. */
  const connectNext = (download: Download): void => {
    download.socket?.close();
    const address = download.untried.shift()!;
    const socket = new Socket(address.family);
    download.socket = socket;
    socket.setBlocking(false);
    download.deadline = performance.now() + timeoutMs;
    if (socket.connectEx(address) === 0) connected(download); // loopback may connect at once
  };
  const connected = (download: Download): void => {
    download.state = 'reading';
    download.deadline = performance.now() + timeoutMs;
    options.onConnect?.(download.task);
  };
  /** Run one step of a download; if it throws, that download alone fails (or tries its next address). */
  const tryTo = (download: Download, step: () => void): void => {
    try {
      step();
    } catch (error) {
      if (download.state === 'connecting' && download.untried.length > 0) tryTo(download, () => connectNext(download));
      else fail(download, error as Error);
    }
  };

  /** Read what this socket has now: until it would block (EAGAIN), or the end of the poem. */
  const readWhatIsThere = (download: Download): void => {
    for (;;) {
      let chunk: Uint8Array;
      try {
        chunk = download.socket!.recv(4096);
      } catch (error) {
        if (error instanceof PosixError && error.code === 'EAGAIN') return; // nothing more for now
        throw error;
      }
      if (chunk.byteLength === 0) return finish(download); // the server closed the connection
      if (maxBytes !== undefined && download.bytes + chunk.byteLength > maxBytes) throw poemTooLongError(maxBytes);
      download.bytes += chunk.byteLength;
      download.chunks.push(chunk);
      download.deadline = performance.now() + timeoutMs;
      options.onChunk?.(download.task, chunk);
    }
  };

  try {
    // Connect to every server at once: nothing here waits.
    downloads.forEach((download, task) => {
      tryTo(download, () => {
        download.untried = getaddrinfo(addresses[task]!.host, addresses[task]!.port);
        connectNext(download);
      });
    });

    // The loop.
    for (;;) {
      const active = downloads.filter((download) => download.state !== 'over');
      if (active.length === 0) break;
      const bySocket = new Map(active.map((download) => [download.socket!.fd, download]));
      const reading = active.filter((d) => d.state === 'reading').map((d) => d.socket!.fd);
      const connecting = active.filter((d) => d.state === 'connecting').map((d) => d.socket!.fd);
      const nextDeadline = Math.min(...active.map((download) => download.deadline));
      const waitMs = nextDeadline === Infinity ? null : Math.max(0, nextDeadline - performance.now());

      // Block here, and only here, until some socket is ready (or a deadline comes).
      const ready = waitForReady(poller, reading, connecting, waitMs);

      for (const fd of ready.writable) {
        const download = bySocket.get(fd)!;
        tryTo(download, () => {
          const error = download.socket!.pendingError(); // writable: the connect is over; did it work?
          if (error !== undefined) throw error;
          connected(download);
        });
      }
      for (const fd of ready.readable) {
        const download = bySocket.get(fd)!;
        if (download.state === 'reading') tryTo(download, () => readWhatIsThere(download));
      }
      const now = performance.now();
      for (const download of active) {
        if (download.state !== 'over' && download.deadline <= now) fail(download, timeoutError(timeout!));
      }
    }
    return results;
  } finally {
    // On every way out (an FdSetSizeError from select, say), give every descriptor back.
    for (const download of downloads) download.socket?.close();
  }
}
