// Our `socket` module: a TCP socket is a file descriptor (a small number the
// kernel gave us), and each method is one system call on it. Like Python's
// socket objects, a socket blocks by default: connect() and recv() return only
// when the kernel has an answer, and the whole thread waits until then.
import { endianness } from 'node:os';

import koffi from 'koffi';

import { namedPosixError, PosixError, posixError } from './errors.js';
import { lastErrno, libc } from './libc.js';
import { pollOne } from './select.js';

export type Family = 'IPv4' | 'IPv6';

/** Where to connect: what getaddrinfo() found, ready to hand to connect(). */
export interface SocketAddress {
  family: Family;
  /** The numeric address, e.g. '127.0.0.1' or '::1'. */
  host: string;
  port: number;
  /** The C `struct sockaddr_in` or `sockaddr_in6`, as bytes. */
  sockaddr: Uint8Array;
}

/** `127.0.0.1:10000` or `[::1]:10000`, for messages. */
function formatSocketAddress(address: Pick<SocketAddress, 'host' | 'port'>): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

/**
 * Resolve a host name or a numeric address (IPv4 or IPv6) into addresses to try,
 * in the order the system prefers. An unknown host throws a PosixError with code
 * ENOTFOUND (Node's name for it).
 */
export function getaddrinfo(host: string, port: number): SocketAddress[] {
  const c = libc();
  const { platform } = c;
  const hints = Buffer.alloc(koffi.sizeof(c.addrinfo));
  koffi.encode(hints, c.addrinfo, {
    ai_flags: 0,
    ai_family: platform.AF_UNSPEC,
    ai_socktype: platform.SOCK_STREAM,
    ai_protocol: 0,
    ai_addrlen: 0,
    ai_addr: null,
    ai_canonname: null,
    ai_next: null,
  });
  const result: unknown[] = [null];
  const status = c.getaddrinfo(host, null, hints, result) as number;
  if (status !== 0) throw lookupError(host, status, lastErrno());

  const addresses: SocketAddress[] = [];
  try {
    for (let entry = result[0]; entry;) {
      const info = koffi.decode(entry, c.addrinfo) as {
        ai_family: number;
        ai_addrlen: number;
        ai_addr: unknown;
        ai_next: unknown;
      };
      const family = info.ai_family === platform.AF_INET ? 'IPv4' : info.ai_family === platform.AF_INET6 ? 'IPv6' : undefined;
      if (family !== undefined && info.ai_addr) {
        const sockaddr = Uint8Array.from(koffi.decode(info.ai_addr, 'uint8_t', info.ai_addrlen) as number[]);
        // sin_port and sin6_port sit at offset 2 on every system, in network byte order (big-endian).
        new DataView(sockaddr.buffer).setUint16(2, port, false);
        addresses.push({ family, host: numericHost(family, sockaddr), port, sockaddr });
      }
      entry = info.ai_next;
    }
  } finally {
    c.freeaddrinfo(result[0]);
  }
  if (addresses.length === 0)
    throw new PosixError('ENOTFOUND', 0, 'getaddrinfo', `getaddrinfo ENOTFOUND ${host} (no IPv4 or IPv6 address)`);
  return addresses;
}

function lookupError(host: string, status: number, errno: number): PosixError {
  const { eai } = libc().platform;
  if (status === eai.EAI_SYSTEM) return posixError('getaddrinfo', errno, host);
  const code =
    status === eai.EAI_NONAME || status === eai.EAI_NODATA ? 'ENOTFOUND' : status === eai.EAI_AGAIN ? 'EAI_AGAIN' : 'EAI_FAIL';
  return new PosixError(code, status, 'getaddrinfo', `getaddrinfo ${code} ${host} (${String(libc().gaiStrerror(status))})`);
}

/** The numeric address inside a sockaddr: bytes 4–7 of sockaddr_in, 8–23 of sockaddr_in6. */
function numericHost(family: Family, sockaddr: Uint8Array): string {
  if (family === 'IPv4') return Array.from(sockaddr.subarray(4, 8)).join('.');
  const view = new DataView(sockaddr.buffer, sockaddr.byteOffset + 8, 16);
  const groups = Array.from({ length: 8 }, (_, i) => view.getUint16(i * 2, false));
  // Write the longest run of zero groups (two or more) as '::'.
  let best = { at: -1, length: 0 };
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.length) best = { at: i, length: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = (part: number[]): string => part.map((g) => g.toString(16)).join(':');
  if (best.length < 2) return hex(groups);
  return `${hex(groups.slice(0, best.at))}::${hex(groups.slice(best.at + best.length))}`;
}

/** One recv() buffer for every socket: recv() copies out of it, so a small chunk costs a small array. */
const scratch = Buffer.allocUnsafe(64 * 1024);

export class Socket {
  /** The file descriptor: -1 once closed. */
  fd: number;
  readonly family: Family;
  private timeoutMs: number | null = null;
  private blocking = true;
  /** Who we are connected (or connecting) to, for messages. */
  private peer: string | undefined;

  /** socket(AF_INET or AF_INET6, SOCK_STREAM, 0): a new TCP socket, blocking. */
  constructor(family: Family) {
    const c = libc();
    const { platform } = c;
    this.family = family;
    const fd = c.socket(family === 'IPv4' ? platform.AF_INET : platform.AF_INET6, platform.SOCK_STREAM, 0) as number;
    if (fd < 0) throw posixError('socket', lastErrno());
    this.fd = fd;
  }

  /**
   * Connect, blocking until the connection is made or refused (or, with a
   * timeout set, until it runs out: ETIMEDOUT).
   */
  connect(address: SocketAddress): void {
    this.peer = formatSocketAddress(address);
    if (this.timeoutMs === null || !this.blocking) {
      if (this.connectEx(address) !== 0) throw namedPosixError('connect', 'EINPROGRESS', this.peer);
      return;
    }
    // With a timeout: start the connection without waiting, then wait at most timeoutMs
    // for the socket to turn writable (how Python's socket.settimeout does it).
    this.setBlockingFlag(false);
    try {
      if (this.connectEx(address) !== 0) {
        if (!pollOne(this.fd, 'write', this.timeoutMs)) throw namedPosixError('connect', 'ETIMEDOUT', this.peer);
        const error = this.pendingError();
        if (error !== undefined) throw error;
      }
    } finally {
      if (this.fd >= 0) this.setBlockingFlag(true);
    }
  }

  /**
   * Start connecting. Returns 0 when connected at once, or the errno of
   * EINPROGRESS (a non-blocking socket's connection is under way: it turns
   * writable when done; then pendingError() says how it went). Any other failure throws.
   */
  connectEx(address: SocketAddress): number {
    const c = libc();
    this.peer = formatSocketAddress(address);
    const status = c.connect(this.fd, address.sockaddr, address.sockaddr.byteLength) as number;
    if (status === 0) return 0;
    const errno = lastErrno();
    if (errno === c.platform.errno.EINPROGRESS) return errno;
    throw posixError('connect', errno, this.peer);
  }

  /** getsockopt(SO_ERROR): how a non-blocking connect ended (undefined: it worked). Reading it clears it. */
  pendingError(): PosixError | undefined {
    const { platform } = libc();
    const errno = this.getIntOption(platform.SO_ERROR);
    return errno === 0 ? undefined : posixError('connect', errno, this.peer);
  }

  /**
   * Read up to maxBytes. An empty array means the other side closed the
   * connection (end of file). A blocking socket waits for at least one byte; a
   * non-blocking one with nothing to read throws EAGAIN; a timeout throws ETIMEDOUT.
   */
  recv(maxBytes = 4096): Uint8Array {
    const c = libc();
    const size = Math.min(maxBytes, scratch.byteLength);
    if (this.blocking && this.timeoutMs !== null && !pollOne(this.fd, 'read', this.timeoutMs)) {
      throw namedPosixError('recv', 'ETIMEDOUT', this.peer);
    }
    const count = c.recv(this.fd, scratch, size, 0) as number;
    if (count < 0) throw posixError('recv', lastErrno(), this.peer);
    return Uint8Array.prototype.slice.call(scratch, 0, count);
  }

  /** Blocking (the default) or not: fcntl(F_SETFL, flags | O_NONBLOCK). */
  setBlocking(blocking: boolean): void {
    this.setBlockingFlag(blocking);
    this.blocking = blocking;
  }

  /**
   * Give up on connect() and on each recv() after this many seconds
   * (null: wait forever, the default). The thread still waits: in poll() rather
   * than in recv(), but it is stopped all the same.
   */
  setTimeout(seconds: number | null): void {
    this.timeoutMs = seconds === null ? null : Math.max(0, Math.ceil(seconds * 1000));
  }

  /** close(): give the descriptor back. Safe to call twice. */
  close(): void {
    if (this.fd < 0) return;
    const fd = this.fd;
    this.fd = -1;
    // Even when close() reports an error the descriptor is gone (POSIX leaves it unspecified; Linux frees it): never retry.
    libc().close(fd);
  }

  private setBlockingFlag(blocking: boolean): void {
    const c = libc();
    const { F_GETFL, F_SETFL, O_NONBLOCK } = c.platform;
    const flags = c.fcntl(this.fd, F_GETFL) as number;
    if (flags < 0) throw posixError('fcntl', lastErrno());
    const wanted = blocking ? flags & ~O_NONBLOCK : flags | O_NONBLOCK;
    if ((c.fcntl(this.fd, F_SETFL, 'int', wanted) as number) < 0) throw posixError('fcntl', lastErrno());
  }

  private getIntOption(name: number): number {
    const c = libc();
    const value = Buffer.alloc(4);
    const length = Buffer.alloc(4);
    writeNativeUint32(length, 4);
    if ((c.getsockopt(this.fd, c.platform.SOL_SOCKET, name, value, length) as number) < 0) {
      throw posixError('getsockopt', lastErrno());
    }
    return readNativeInt32(value);
  }
}

const littleEndian = endianness() === 'LE';
const writeNativeUint32 = (buffer: Buffer, value: number): void => {
  new DataView(buffer.buffer, buffer.byteOffset, 4).setUint32(0, value, littleEndian);
};
const readNativeInt32 = (buffer: Buffer): number => new DataView(buffer.buffer, buffer.byteOffset, 4).getInt32(0, littleEndian);

/**
 * Open a blocking TCP connection to host:port, like Python's
 * socket.create_connection: try each address getaddrinfo() gives, in order,
 * until one connects. The socket is closed on every failure path.
 */
export function createConnection(host: string, port: number, timeoutSeconds: number | null = null): Socket {
  let lastError: unknown;
  for (const address of getaddrinfo(host, port)) {
    const socket = new Socket(address.family);
    try {
      socket.setTimeout(timeoutSeconds);
      socket.connect(address);
      return socket;
    } catch (error) {
      socket.close();
      lastError = error;
    }
  }
  throw lastError;
}
