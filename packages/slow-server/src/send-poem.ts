// One connection's poem, on its own schedule: chunk k leaves at start + k × delay.
//
// Computing each tick from the start, rather than sleeping a delay after each
// send, keeps the schedule from drifting: a late timer makes one chunk late, not
// every chunk after it. Only a client that stops reading shifts the schedule, by
// as long as the kernel's buffers stay full (as a blocking send would wait), and
// for no longer than the send timeout: then the server gives up on it.
import type { EventEmitter } from 'node:events';
import type net from 'node:net';

import { chunksFrom, type PreparedPoem } from './chunks.js';
import type { ClientInfo, Fault, Outcome, ServerEvents } from './server.js';

/** What every connection of one server shares. */
export interface Schedule {
  poem: PreparedPoem;
  delayMs: number;
  fault: Fault | undefined;
  /** Seconds a client may leave the kernel's buffers full before it is reset. */
  sendTimeout: number;
}

/** The least time between the last bytes and a reset on purpose (see endOfPoem). */
const resetGraceMs = 200;

/** Send the poem to one client; call `onEnd` once, however the connection ends. */
export function sendPoem(
  socket: net.Socket,
  client: ClientInfo,
  schedule: Schedule,
  events: EventEmitter<ServerEvents>,
  onEnd: () => void,
): void {
  const { delayMs, fault } = schedule;
  const chunks = chunksFrom(schedule.poem, { limit: fault?.afterBytes });
  let start = performance.now();
  let sent = 0;
  let k = 0;
  // At most one timer is pending: the next tick, the send timeout, or a reset on purpose.
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
  // The client's own bytes are not part of the protocol: read and drop them. Its
  // end of stream is no reason to stop either: a client may close its sending
  // side as soon as it connects (`nc -N`) and still read the whole poem.
  socket.on('data', () => {});

  const sendNext = (): void => {
    if (finished || !socket.writable) return finish('gone');
    const next = chunks.next();
    if (next.done) return endOfPoem(); // an empty poem, or a fault after 0 bytes
    const lateMs = performance.now() - (start + k * delayMs);
    const flushed = socket.write(next.value);
    sent += next.value.byteLength;
    k += 1;
    events.emit('chunk', client, next.value.byteLength, lateMs, next.value);
    const then = chunks.peekDone() ? endOfPoem : scheduleNext;
    if (flushed) then();
    else waitForDrain(then);
  };

  const scheduleNext = (): void => {
    const due = start + k * delayMs;
    timer = setTimeout(sendNext, Math.max(0, due - performance.now()));
  };

  // A client that does not read makes the kernel's buffers fill up. Wait, as a
  // blocking send would, then carry on with the schedule shifted by the wait.
  // But not forever: a client that never reads would hold its connection (and,
  // one at a time, every other client's turn) for good.
  const waitForDrain = (then: () => void): void => {
    events.emit('backpressure', client);
    const pausedAt = performance.now();
    const onDrain = (): void => {
      clearTimeout(timer);
      start += performance.now() - pausedAt;
      then();
    };
    socket.once('drain', onDrain);
    timer = setTimeout(() => {
      socket.off('drain', onDrain);
      socket.resetAndDestroy();
      finish('gone', new Error(`not reading for ${schedule.sendTimeout} s`));
    }, schedule.sendTimeout * 1000);
  };

  const endOfPoem = (): void => {
    if (fault === undefined || (fault.kind === 'close' && sent >= schedule.poem.poemBytes)) {
      socket.end(() => finish('complete'));
      return;
    }
    events.emit('fault', client, fault);
    if (fault.kind === 'reset') {
      // Reset at the next tick (and no sooner than 0.2 s), so that the client has
      // read the bytes already sent before the reset arrives: a reset discards
      // whatever is still in flight, and one that lands with the last bytes still
      // unread can reach a node:net client as a plain end of stream (libuv reads
      // the bytes, sees the hang-up, and reports end of file without the error).
      // A client process on a busy machine can go tens of milliseconds without
      // running, hence a margin of a fifth of a second.
      timer = setTimeout(
        () => {
          if (finished) return;
          socket.resetAndDestroy();
          finish('reset');
        },
        Math.max(delayMs, resetGraceMs),
      );
    } else if (fault.kind === 'close') {
      socket.end(() => finish('truncated'));
    } else {
      stall();
    }
  };

  // Keep the connection open and send nothing more, until the server closes or
  // the client gives up. A client that closes its side during the stall has
  // given up (the server accepts half-open connections, so nothing else would
  // end this one): close ours too. A client that closed its side before the
  // stall began is still reading, so it stays stalled.
  const stall = (): void => {
    stalled = true;
    socket.once('end', () => socket.end());
  };

  sendNext();
}
