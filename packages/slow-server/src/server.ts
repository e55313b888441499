// The slow poetry server.
//
// It serves one poem, a few bytes per tick, and closes the connection after the
// last chunk, like the tutorial's blocking-server/slowpoetry.py. Two differences,
// both on purpose:
//
// - The schedule does not drift. Chunk k leaves at (connection start + k × delay),
//   so a download of n chunks ideally lasts (n − 1) × delay, however busy the
//   process is. "Send, then sleep" would add every send's own cost to the next tick.
//   Each connection's schedule is in send-poem.ts.
// - Clients are served concurrently (each connection keeps its own schedule);
//   `oneAtATime` brings back the original behaviour, where every other client
//   waits until the current poem is done (take-turns.ts).
//
// It can also misbehave on request (`fault`), so that clients can be tested
// against resets, truncated poems and stalls.
//
// And it stays up whatever its clients do. A client that never reads is reset
// after `sendTimeout`; a connection beyond `maxConnections` is reset at once,
// before the process runs out of file descriptors; an error on the listening
// socket is reported as 'trouble' instead of ending the process.

import { EventEmitter } from 'node:events';
import net from 'node:net';

import { maxTimerSeconds } from '@slow-poetry/cli-kit';
import { preparePoem } from './chunks.js';
import { defaultMaxConnections } from './open-file-limit.js';
import { sendPoem, type Schedule } from './send-poem.js';
import { everyoneAtOnce, oneAtATime, type Turns } from './take-turns.js';

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
  /**
   * Misbehave with the first this-many connections only; the ones after get the
   * whole poem (a server that fails once, then recovers: for retries). Default:
   * every connection.
   */
  connections?: number;
}

export interface ServerOptions {
  /** The poem, as bytes. Chunks are cut in bytes, so they may split a UTF-8 character. */
  poem: Uint8Array;
  /** 0 (the default) lets the operating system choose a free port. */
  port?: number;
  /** The interface to listen on. Default 'localhost', which means 127.0.0.1 here. */
  host?: string;
  /** Bytes per chunk, from 1 to `maxNumBytes` (16 MiB). Default 10. */
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
  /**
   * Most connections at once (waiting ones included); one more is reset (TCP RST).
   * Default: the open-file limit minus 64 where it can be read (Linux), else no limit (Infinity).
   */
  maxConnections?: number;
  /** Seconds a client may leave the kernel's buffers full before it is reset. Default 30. */
  sendTimeout?: number;
}

/** How a client's connection ended. */
export type Outcome =
  | 'complete' // the whole poem was sent and the connection closed
  | 'reset' // reset on purpose (fault)
  | 'truncated' // closed cleanly before the end of the poem (fault)
  | 'stalled' // stalled on purpose, then closed by the client or the server's own shutdown
  | 'gone'; // closed before the poem was done: the client left, stopped reading, or the server shut down

export interface ClientInfo {
  /** 1, 2, 3… in order of arrival. */
  id: number;
  /** 'HOST:PORT' of the client. */
  remote: string;
}

export interface ServerEvents {
  /** A client connected and its poem starts now (with `oneAtATime`, when its turn comes). */
  client: [client: ClientInfo];
  /**
   * A chunk was handed to the kernel. `lateMs`: how long after its scheduled time.
   * `data`: the chunk itself, a view of the poem as the server prepared it once
   * (never a copy); read it, do not change it.
   */
  chunk: [client: ClientInfo, bytes: number, lateMs: number, data: Uint8Array];
  /** The client stopped reading and the kernel's buffers are full: the schedule waits. */
  backpressure: [client: ClientInfo];
  /** The server is about to misbehave as `fault` says. */
  fault: [client: ClientInfo, fault: Fault];
  /**
   * The connection ended. `error` is set when it ended with one: the system's
   * (ECONNRESET, EPIPE) or the server's own for a client that stopped reading
   * ("not reading for S s").
   */
  end: [client: ClientInfo, outcome: Outcome, bytesSent: number, error?: Error];
  /** A connection beyond `maxConnections` was reset at once. `remote` is 'HOST:PORT'. */
  refused: [remote: string, maxConnections: number];
  /** The listening socket reported an error (an accept that failed); the server carries on. */
  trouble: [error: Error];
}

export interface SlowServer extends EventEmitter<ServerEvents> {
  readonly port: number;
  readonly host: string;
  /** Clients connected right now (waiting ones included). */
  readonly connections: number;
  /** The node:net server underneath, for what this interface leaves out. Use `close()` to close it. */
  readonly listener: net.Server;
  /** Stop accepting, close every connection, resolve when all are gone. */
  close(): Promise<void>;
}

/** The largest chunk: 16 MiB. An endless poem is laid out with a chunk's worth of itself to spare. */
export const maxNumBytes = 16 * 1024 * 1024;

export const defaults = {
  host: 'localhost',
  numBytes: 10,
  delay: 0.1,
  backlog: 4096,
  sendTimeout: 30,
} as const;

/** The ideal duration, in seconds, of one download: the first chunk leaves at once. */
export function idealDuration(poemBytes: number, numBytes: number, delay: number): number {
  const chunks = Math.ceil(poemBytes / numBytes);
  return Math.max(0, chunks - 1) * delay;
}

export async function startServer(options: ServerOptions): Promise<SlowServer> {
  const { schedule, maxConnections } = settle(options);
  // 'localhost' may resolve to ::1 first; clients default to 127.0.0.1, so pin it.
  const host = options.host === undefined || options.host === 'localhost' ? '127.0.0.1' : options.host;
  const turns = options.oneAtATime ? oneAtATime() : everyoneAtOnce();
  const sockets = new Set<net.Socket>();
  const events = new EventEmitter<ServerEvents>();
  let nextId = 1;

  // allowHalfOpen: a client that closes its sending side (it has nothing to say)
  // still gets its poem. Without it, Node would close ours in return, mid-poem.
  const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
    if (sockets.size >= maxConnections) return refuse(socket, maxConnections, events);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {}); // reported by sendPoem; this covers a client that leaves while waiting
    const client: ClientInfo = { id: nextId++, remote: `${socket.remoteAddress}:${socket.remotePort}` };
    turns.wait(() => {
      if (socket.destroyed) return turns.done(); // it left while waiting for its turn
      events.emit('client', client);
      const faulty = schedule.fault !== undefined && client.id <= (schedule.fault.connections ?? Infinity);
      sendPoem(socket, client, faulty ? schedule : { ...schedule, fault: undefined }, events, () => turns.done());
    });
  });

  const where = { port: options.port ?? 0, host, backlog: options.backlog ?? defaults.backlog };
  await listen(server, where, (error) => events.emit('trouble', error));

  const address = server.address() as net.AddressInfo;
  return Object.defineProperties(events, {
    port: { value: address.port, enumerable: true },
    host: { value: host, enumerable: true },
    connections: { get: () => sockets.size, enumerable: true },
    listener: { value: server },
    close: { value: () => closeAll(server, sockets, turns) },
  }) as SlowServer;
}

/**
 * Fill in the defaults and check the numbers, so that a library caller gets a
 * RangeError at once rather than a timer that fires at the wrong time (Node turns
 * a delay it cannot hold into 1 ms) or a 16 GB buffer.
 */
function settle(options: ServerOptions): { schedule: Schedule; maxConnections: number } {
  const numBytes = options.numBytes ?? defaults.numBytes;
  if (!Number.isInteger(numBytes) || numBytes < 1 || numBytes > maxNumBytes) {
    throw new RangeError(`numBytes must be a whole number from 1 to ${maxNumBytes}, not ${numBytes}`);
  }
  const delay = options.delay ?? defaults.delay;
  if (!(delay >= 0 && delay <= maxTimerSeconds)) {
    throw new RangeError(`delay must be a number of seconds from 0 to ${maxTimerSeconds}, not ${delay}`);
  }
  const sendTimeout = options.sendTimeout ?? defaults.sendTimeout;
  if (!(sendTimeout > 0 && sendTimeout <= maxTimerSeconds)) {
    throw new RangeError(`sendTimeout must be a number of seconds above 0, at most ${maxTimerSeconds}, not ${sendTimeout}`);
  }
  const maxConnections = options.maxConnections ?? defaultMaxConnections();
  if (!(maxConnections === Infinity || (Number.isInteger(maxConnections) && maxConnections >= 1))) {
    throw new RangeError(`maxConnections must be a whole number at least 1, or Infinity, not ${maxConnections}`);
  }
  const poem = preparePoem(options.poem, numBytes, { endless: options.endless ?? false });
  return { schedule: { poem, delayMs: delay * 1000, fault: options.fault, sendTimeout }, maxConnections };
}

/**
 * Turn a connection away with a reset. Closing it cleanly, as Node's own
 * `server.maxConnections` does, would look to the client like a whole, empty poem.
 */
function refuse(socket: net.Socket, maxConnections: number, events: EventEmitter<ServerEvents>): void {
  const remote = `${socket.remoteAddress}:${socket.remotePort}`;
  socket.on('error', () => {}); // whatever happens to it now, it is no longer ours
  socket.resetAndDestroy();
  events.emit('refused', remote, maxConnections);
}

/**
 * Listen, or reject with the reason (a port in use…). Once listening, an error
 * on the listening socket (an accept that failed) no longer means the server
 * cannot start: it goes to `onTrouble`, for as long as the server lives. A
 * net.Server with no 'error' listener would throw it and end the process.
 */
function listen(server: net.Server, where: net.ListenOptions, onTrouble: (error: Error) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(where, () => {
      server.off('error', reject);
      server.on('error', onTrouble);
      resolve();
    });
  });
}

/** Stop accepting, forget who is waiting, close every connection; resolve when all are gone. */
async function closeAll(server: net.Server, sockets: Set<net.Socket>, turns: Turns): Promise<void> {
  turns.clear();
  const listening = new Promise<void>((resolve) => server.close(() => resolve()));
  const closing = [...sockets].map((socket) => new Promise<void>((resolve) => socket.once('close', () => resolve())));
  for (const socket of sockets) socket.destroy();
  await Promise.all([listening, ...closing]);
}
