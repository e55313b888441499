// Our `select` module: wait until some of many descriptors are ready.
//
// select(2) is the oldest way. Its sets (fd_set) are bit arrays of a fixed size,
// FD_SETSIZE bits (1024): descriptor 1024 has no bit to set. C's FD_SET macro
// would write past the end of the array; we refuse instead, with an error that
// points at poll(2), which takes a list of any length.
import { endianness } from 'node:os';

import { posixError } from './errors.js';
import { lastErrno, libc } from './libc.js';

/** A descriptor that select() cannot watch: it is at or above FD_SETSIZE. */
export class FdSetSizeError extends RangeError {
  override name = 'FdSetSizeError';
  readonly code = 'EFDSETSIZE';
  constructor(
    readonly fd: number,
    readonly limit: number,
  ) {
    super(
      `select() can only watch descriptors below FD_SETSIZE (${limit}), and this one is ${fd}; ` +
        'poll() has no such limit (--poller poll)',
    );
  }
}

export interface Ready {
  readable: number[];
  writable: number[];
}

const littleEndian = endianness() === 'LE';

/**
 * An fd_set as the C library lays it out: an array of words (64-bit longs in
 * glibc, 32-bit ints on macOS), descriptor fd being bit (fd % bits) of word
 * (fd / bits). On little-endian machines that is simply bit fd % 8 of byte fd / 8.
 */
class FdSet {
  readonly bytes: Buffer;
  private readonly view: DataView;

  constructor(readonly size: number) {
    this.bytes = Buffer.alloc(size / 8);
    this.view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
  }

  set(fd: number): void {
    const [offset, mask] = this.locate(fd);
    this.view.setUint32(offset, this.view.getUint32(offset, littleEndian) | mask, littleEndian);
  }

  clear(): void {
    this.bytes.fill(0);
  }

  has(fd: number): boolean {
    const [offset, mask] = this.locate(fd);
    return (this.view.getUint32(offset, littleEndian) & mask) !== 0;
  }

  private locate(fd: number): [offset: number, mask: number] {
    if (!Number.isInteger(fd) || fd < 0) throw new RangeError(`not a file descriptor: ${fd}`);
    if (fd >= this.size) throw new FdSetSizeError(fd, this.size);
    // glibc's words are 64-bit: on a big-endian 64-bit machine a 32-bit view would swap halves.
    const wordBytes = !littleEndian && libc().platform.name === 'linux' ? 8 : 4;
    const bits = wordBytes * 8;
    const word = Math.floor(fd / bits);
    let bit = fd % bits;
    let offset = word * wordBytes;
    if (wordBytes === 8) {
      // Big-endian 64-bit word: the high 32 bits come first in memory.
      offset += bit >= 32 ? 0 : 4;
      bit %= 32;
    }
    return [offset, (1 << bit) >>> 0];
  }
}

/** A `struct timeval` for select(): seconds, then microseconds, in two longs (macOS: a long and an int, padded). */
function timeval(seconds: number): Buffer {
  const micros = Math.max(0, Math.round(seconds * 1e6));
  const buffer = Buffer.alloc(16);
  const view = new DataView(buffer.buffer, buffer.byteOffset, 16);
  view.setBigInt64(0, BigInt(Math.floor(micros / 1e6)), littleEndian);
  // tv_usec: a 64-bit long on Linux, a 32-bit int followed by padding on macOS; a 32-bit
  // write at offset 8 is right for both on a little-endian machine.
  if (littleEndian || libc().platform.name === 'darwin') view.setInt32(8, micros % 1e6, littleEndian);
  else view.setBigInt64(8, BigInt(micros % 1e6), false);
  return buffer;
}

/**
 * select(2), as Python's select.select(readable, writable, [], timeout): block
 * until at least one descriptor is ready (or `timeoutSeconds` pass; null waits
 * forever), then return the ready ones. A descriptor at or above FD_SETSIZE
 * throws an FdSetSizeError before anything is called. Like Python's, it waits
 * again when a signal interrupts it (EINTR).
 */
export function select(readFds: readonly number[], writeFds: readonly number[], timeoutSeconds: number | null = null): Ready {
  const c = libc();
  const size = c.platform.FD_SETSIZE;
  const reads = new FdSet(size);
  const writes = new FdSet(size);
  let highest = -1;
  for (const fd of readFds) {
    reads.set(fd);
    highest = Math.max(highest, fd);
  }
  for (const fd of writeFds) {
    writes.set(fd);
    highest = Math.max(highest, fd);
  }
  const deadline = timeoutSeconds === null ? null : performance.now() + timeoutSeconds * 1000;
  let count: number;
  for (;;) {
    const timeout = deadline === null ? null : timeval(Math.max(0, deadline - performance.now()) / 1000);
    count = c.select(highest + 1, reads.bytes, writes.bytes, null, timeout) as number;
    if (count >= 0) break;
    const errno = lastErrno();
    if (errno !== c.platform.errno.EINTR) throw posixError('select', errno);
    // A signal arrived (Node's handler for SIGCHLD, say): the sets are undefined now, so fill them again and retry.
    reads.clear();
    writes.clear();
    readFds.forEach((fd) => reads.set(fd));
    writeFds.forEach((fd) => writes.set(fd));
  }
  // select() overwrote the sets: now only the ready descriptors' bits are on.
  return {
    readable: count === 0 ? [] : readFds.filter((fd) => reads.has(fd)),
    writable: count === 0 ? [] : writeFds.filter((fd) => writes.has(fd)),
  };
}

export interface PollEntry {
  fd: number;
  /** Bits of POLLIN, POLLOUT (see pollEvents). */
  events: number;
}

/** poll()'s event bits on this system. */
export function pollEvents(): { POLLIN: number; POLLOUT: number; POLLERR: number; POLLHUP: number; POLLNVAL: number } {
  const { POLLIN, POLLOUT, POLLERR, POLLHUP, POLLNVAL } = libc().platform;
  return { POLLIN, POLLOUT, POLLERR, POLLHUP, POLLNVAL };
}

/**
 * poll(2): the same wait as select() over a list of `struct pollfd` (int fd,
 * short events, short revents: 8 bytes each), so any descriptor number works and
 * the cost follows the number of descriptors, not the highest one. Returns each
 * entry's `revents` (0: not ready), in order. timeoutMs: -1 waits forever.
 */
export function poll(entries: readonly PollEntry[], timeoutMs: number): number[] {
  const c = libc();
  const buffer = Buffer.alloc(entries.length * 8);
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  entries.forEach((entry, i) => {
    view.setInt32(i * 8, entry.fd, littleEndian);
    view.setInt16(i * 8 + 4, entry.events, littleEndian);
  });
  const deadline = timeoutMs < 0 ? null : performance.now() + timeoutMs;
  let count: number;
  for (;;) {
    const timeout = deadline === null ? -1 : Math.min(Math.ceil(Math.max(0, deadline - performance.now())), 2 ** 31 - 1);
    count = c.poll(buffer, entries.length, timeout) as number;
    if (count >= 0) break;
    const errno = lastErrno();
    // Interrupted by a signal: wait again for the time that is left (as Python does since PEP 475).
    if (errno !== c.platform.errno.EINTR) throw posixError('poll', errno);
  }
  return entries.map((_, i) => (count === 0 ? 0 : view.getUint16(i * 8 + 6, littleEndian)));
}

/**
 * Wait up to timeoutMs for one descriptor to be readable or writable. True if
 * it is (an error or a hang-up counts: the next call will report it), false on timeout.
 */
export function pollOne(fd: number, want: 'read' | 'write', timeoutMs: number): boolean {
  const { POLLIN, POLLOUT } = pollEvents();
  const [revents] = poll([{ fd, events: want === 'read' ? POLLIN : POLLOUT }], timeoutMs);
  return (revents ?? 0) !== 0;
}
