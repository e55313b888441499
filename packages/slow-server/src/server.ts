// The slow poetry server.
//
// It serves one poem, a few bytes per tick, and closes the connection after the
// last chunk, like the tutorial's blocking-server/slowpoetry.py. Two differences,
// both on purpose:
//
// - The schedule does not drift. Chunk k leaves at (connection start + k × delay),
//   so a download of n chunks ideally lasts (n − 1) × delay, however busy the
//   process is. "Send, then sleep" would add every send's own cost to the next tick.
// - Clients are served concurrently (each connection keeps its own schedule);
//   `oneAtATime` brings back the original behaviour, where every other client
//   waits until the current poem is done.
//
// It can also misbehave on request (`fault`), so that clients can be tested
// against resets, truncated poems and stalls.

import { EventEmitter } from 'node:events';
import net from 'node:net';

import { chunksOf } from './chunks.js';

/** A way for the server to misbehave after `afterBytes` bytes of the poem. */
export interface Fault {
  /**
   * - `reset`: abort the connection (TCP RST); the client sees ECONNRESET.
   * - `close`: close cleanly (FIN), as if the poem had ended. The client cannot
   *   tell this truncated poem from a whole one: the protocol has no length.
   * - `stall`: keep the connection open and send nothing more.
   */
  kind: 'reset' | 'close' | 'stall';
  afterBytes: number;
}

export interface ServerOptions {
  /** The poem, as bytes. Chunks are cut in bytes, so they may split a UTF-8 character. */
  poem: Uint8Array;
  /** 0 (the default) lets the operating system choose a free port. */
  port?: number;
  /** The interface to listen on. Default 'localhost', which means 127.0.0.1 here. */
  host?: string;
  /** Bytes per chunk. Default 10. */
  numBytes?: number;
  /** Seconds between chunks. Default 0.1. */
  delay?: number;
  /** Serve one client at a time, as the tutorial's server does. Default false. */
  oneAtATime?: boolean;
  /** Send the poem over and over, never closing. For clients' `--max-bytes`. */
  endless?: boolean;
  fault?: Fault;
  /** Listen backlog. Default 4096: at 511 (Node's default) a burst of connections overflows it. */
  backlog?: number;
}

/** How a client's connection ended. */
export type Outcome =
  | 'complete' // the whole poem was sent and the connection closed
  | 'reset' // reset on purpose (fault)
  | 'truncated' // closed cleanly before the end of the poem (fault)
  | 'stalled' // stalled on purpose, then closed by the server's own shutdown
  | 'gone'; // the client went away (closed or reset) before the poem was done

export interface ClientInfo {
  /** 1, 2, 3… in order of arrival. */
  id: number;
  /** 'HOST:PORT' of the client. */
  remote: string;
}

export interface ServerEvents {
  /** A client connected and its poem starts now (with `oneAtATime`, when its turn comes). */
  client: [client: ClientInfo];
  /** A chunk was handed to the kernel. `lateMs`: how long after its scheduled time. */
  chunk: [client: ClientInfo, bytes: number, lateMs: number];
  /** The client stopped reading and the kernel's buffers are full: the schedule waits. */
  backpressure: [client: ClientInfo];
  /** The server is about to misbehave as `fault` says. */
  fault: [client: ClientInfo, fault: Fault];
  /** The connection ended. `error` is set when the client went away with an error. */
  end: [client: ClientInfo, outcome: Outcome, bytesSent: number, error?: Error];
}

export interface SlowServer extends EventEmitter<ServerEvents> {
  readonly port: number;
  readonly host: string;
  /** Clients connected right now. */
  readonly connections: number;
  /** Stop accepting, close every connection, resolve when all are gone. */
  close(): Promise<void>;
}

/** The least time between the last bytes and a reset on purpose (see endOfPoem). */
const resetGraceMs = 20;

export const defaults = {
  host: 'localhost',
  numBytes: 10,
  delay: 0.1,
  backlog: 4096,
} as const;

/** The ideal duration, in seconds, of one download: the first chunk leaves at once. */
export function idealDuration(poemBytes: number, numBytes: number, delay: number): number {
  const chunks = Math.ceil(poemBytes / numBytes);
  return Math.max(0, chunks - 1) * delay;
}

export async function startServer(options: ServerOptions): Promise<SlowServer> {
  const numBytes = options.numBytes ?? defaults.numBytes;
  const delayMs = (options.delay ?? defaults.delay) * 1000;
  // 'localhost' may resolve to ::1 first; clients default to 127.0.0.1, so pin it.
  const host = options.host === undefined || options.host === 'localhost' ? '127.0.0.1' : options.host;
  const sockets = new Set<net.Socket>();
  const waiting: Array<() => void> = [];
  let serving = false;
  let nextId = 1;

  const events = new EventEmitter<ServerEvents>();
  const server = net.createServer({ noDelay: true });

  function serve(socket: net.Socket, client: ClientInfo, onEnd: () => void): void {
    const chunks = chunksOf(options.poem, numBytes, {
      endless: options.endless ?? false,
      limit: options.fault?.afterBytes,
    });
    let start = 0; // set just before the first chunk leaves
    let sent = 0;
    let k = 0;
    let timer: NodeJS.Timeout | undefined;
    let finished = false;
    let stalled = false;

    const finish = (outcome: Outcome, error?: Error): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      events.emit('end', client, outcome, sent, error);
      onEnd();
    };

    socket.on('error', (error) => finish('gone', error));
    socket.on('close', () => finish(stalled ? 'stalled' : 'gone'));
    // The client's own bytes are not part of the protocol: read and drop them.
    socket.on('data', () => {});

    const sendNext = (): void => {
      if (finished || !socket.writable) return finish('gone');
      const next = chunks.next();
      if (next.done) return endOfPoem();
      const lateMs = performance.now() - (start + k * delayMs);
      const flushed = socket.write(next.value);
      sent += next.value.byteLength;
      k += 1;
      events.emit('chunk', client, next.value.byteLength, lateMs);
      if (chunks.peekDone()) return endOfPoem();
      if (flushed) return scheduleNext();
      // A client that does not read makes the kernel's buffers fill up. Wait, as a
      // blocking send would, then carry on with the schedule shifted by the wait.
      events.emit('backpressure', client);
      const pausedAt = performance.now();
      socket.once('drain', () => {
        start += performance.now() - pausedAt;
        scheduleNext();
      });
    };

    const scheduleNext = (): void => {
      const due = start + k * delayMs;
      timer = setTimeout(sendNext, Math.max(0, due - performance.now()));
    };

    const endOfPoem = (): void => {
      const fault = options.fault;
      if (fault === undefined || (fault.kind === 'close' && sent >= options.poem.byteLength)) {
        socket.end(() => finish('complete'));
        return;
      }
      events.emit('fault', client, fault);
      if (fault.kind === 'reset') {
        // Reset at the next tick (and no sooner than 20 ms), so that the client has
        // read the bytes already sent before the reset arrives: a reset discards
        // whatever is still in flight, and one that lands with the last bytes can
        // reach the client as a plain end of stream.
        timer = setTimeout(() => {
          if (finished) return;
          socket.resetAndDestroy();
          finish('reset');
        }, Math.max(delayMs, resetGraceMs));
      } else if (fault.kind === 'close') {
        socket.end(() => finish('truncated'));
      } else {
        stalled = true; // keep the connection open until the server closes
      }
    };

    start = performance.now();
    sendNext();
  }

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const client: ClientInfo = { id: nextId++, remote: `${socket.remoteAddress}:${socket.remotePort}` };
    socket.on('error', () => {}); // reported by serve(); this covers a client that leaves while queued
    const begin = (): void => {
      if (socket.destroyed) return next();
      events.emit('client', client);
      serve(socket, client, next);
    };
    if (!options.oneAtATime) return begin();
    if (serving) waiting.push(begin);
    else {
      serving = true;
      begin();
    }
  });

  // With oneAtATime, the next queued client starts when the current one ends.
  function next(): void {
    if (!options.oneAtATime) return;
    const begin = waiting.shift();
    if (begin) begin();
    else serving = false;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: options.port ?? 0, host, backlog: options.backlog ?? defaults.backlog }, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const address = server.address() as net.AddressInfo;
  const close = async (): Promise<void> => {
    waiting.length = 0;
    const listening = new Promise<void>((resolve) => server.close(() => resolve()));
    const closing = [...sockets].map((socket) => new Promise<void>((resolve) => socket.once('close', () => resolve())));
    for (const socket of sockets) socket.destroy();
    await Promise.all([listening, ...closing]);
  };
  return Object.defineProperties(events, {
    port: { value: address.port, enumerable: true },
    host: { value: host, enumerable: true },
    connections: { get: () => sockets.size, enumerable: true },
    close: { value: close },
  }) as SlowServer;
}
