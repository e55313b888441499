import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync, readdirSync } from 'node:fs';

import koffi from 'koffi';
import { afterEach, describe, expect, it } from 'vitest';

import {
  createConnection,
  currentPlatform,
  errnoName,
  FdSetSizeError,
  getaddrinfo,
  platforms,
  poll,
  pollEvents,
  PosixError,
  select,
  Socket,
  UnsupportedPlatformError,
  type SocketAddress,
} from '../src/index.js';
import { spawnPeer, type Peer } from './peer.js';

const openDescriptors = (): number => readdirSync('/proc/self/fd').length;
const peers: Peer[] = [];
const peer = async (...args: Parameters<typeof spawnPeer>): Promise<Peer> => {
  const started = await spawnPeer(...args);
  peers.push(started);
  return started;
};
afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.close()));
});

/** Read until end of file, collecting chunks and joining them once. */
function readAll(socket: Socket): Uint8Array {
  const chunks: Uint8Array[] = [];
  for (let chunk = socket.recv(); chunk.byteLength > 0; chunk = socket.recv()) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Open /dev/null until a descriptor reaches `atLeast`; returns them all (to close). */
function descriptorsUpTo(atLeast: number): number[] {
  const fds: number[] = [];
  do fds.push(openSync('/dev/null', 'r'));
  while (fds.at(-1)! < atLeast);
  return fds;
}

const poem = Buffer.from('Ecstasy! Ça ira — 詩 in UTF-8, split anywhere.\n');

describe('the platform table', () => {
  it('has the same errno numbers as the Linux it runs on', () => {
    const linux = platforms.linux.errno;
    for (const [name, value] of Object.entries(linux)) expect([name, koffi.os.errno[name]]).toEqual([name, value]);
  });

  it('names errno numbers and refuses systems it has no table for', () => {
    expect(errnoName(platforms.linux.errno.ECONNREFUSED)).toBe('ECONNREFUSED');
    expect(errnoName(4242)).toBe('E4242');
    expect(() => currentPlatform('win32')).toThrow(UnsupportedPlatformError);
    expect(() => currentPlatform('win32')).toThrow(/Linux and macOS only, not on win32/);
  });
});

describe('getaddrinfo', () => {
  it('resolves localhost, IPv4 and IPv6 literals, with the port in network byte order', () => {
    expect(getaddrinfo('localhost', 10000).map((a) => a.host)).toContain('127.0.0.1');
    const [ipv4] = getaddrinfo('127.0.0.1', 10000);
    expect(ipv4).toMatchObject({ family: 'IPv4', host: '127.0.0.1', port: 10000 });
    expect([ipv4!.sockaddr[2], ipv4!.sockaddr[3]]).toEqual([0x27, 0x10]);
    const [ipv6] = getaddrinfo('::1', 443);
    expect(ipv6).toMatchObject({ family: 'IPv6', host: '::1', port: 443 });
    expect(getaddrinfo('2001:db8::1:0:0:1', 1)[0]!.host).toBe('2001:db8::1:0:0:1');
  });

  it('fails an unknown host with ENOTFOUND', () => {
    expect(() => getaddrinfo('no-such-host.invalid', 1)).toThrow(expect.objectContaining({ code: 'ENOTFOUND' }));
  });
});

describe('a blocking socket', () => {
  it('reads every byte until the server closes the connection', async () => {
    const { port } = await peer('send', poem);
    const socket = createConnection('127.0.0.1', port);
    try {
      expect(Buffer.from(readAll(socket)).equals(poem)).toBe(true);
    } finally {
      socket.close();
    }
  });

  it('turns a refused connection into a PosixError named ECONNREFUSED', () => {
    let caught: unknown;
    try {
      // Port 1 on loopback: nothing listens there on a test machine.
      createConnection('127.0.0.1', 1).close();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PosixError);
    expect(caught).toMatchObject({ code: 'ECONNREFUSED', errno: platforms.linux.errno.ECONNREFUSED, syscall: 'connect' });
    expect((caught as Error).message).toBe('connect ECONNREFUSED 127.0.0.1:1 (Connection refused)');
  });

  it('reports a reset mid-stream as ECONNRESET after the bytes that came first', async () => {
    const { port } = await peer('reset', poem);
    const socket = createConnection('127.0.0.1', port);
    let received = 0;
    try {
      expect(() => {
        for (let chunk = socket.recv(); chunk.byteLength > 0; chunk = socket.recv()) received += chunk.byteLength;
      }).toThrow(expect.objectContaining({ code: 'ECONNRESET', syscall: 'recv' }));
    } finally {
      socket.close();
    }
    expect(received).toBeGreaterThan(0);
  });

  it('gives up on a silent server after its timeout, with ETIMEDOUT', async () => {
    const { port } = await peer('silent');
    const socket = createConnection('127.0.0.1', port, 0.1);
    const started = performance.now();
    try {
      expect(() => socket.recv()).toThrow(expect.objectContaining({ code: 'ETIMEDOUT' }));
    } finally {
      socket.close();
    }
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);
  });

  it('stops the whole thread while it waits: a due timer cannot fire', async () => {
    const { port } = await peer('send', Buffer.alloc(100, 'x')); // 20 pieces, 2 ms apart
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const socket = createConnection('127.0.0.1', port);
    try {
      expect(readAll(socket).byteLength).toBe(100);
    } finally {
      socket.close();
      clearInterval(timer);
    }
    expect(ticks).toBe(0);
  });
});

describe('a non-blocking socket', () => {
  const loopback = (port: number): SocketAddress => getaddrinfo('127.0.0.1', port)[0]!;

  it('connects in the background, turns writable, then says EAGAIN until bytes arrive', async () => {
    const { port } = await peer('send', poem);
    const socket = new Socket('IPv4');
    try {
      socket.setBlocking(false);
      const started = socket.connectEx(loopback(port));
      expect([0, platforms.linux.errno.EINPROGRESS]).toContain(started);
      expect(select([], [socket.fd], 5).writable).toEqual([socket.fd]);
      expect(socket.pendingError()).toBeUndefined();
      const chunks: Uint8Array[] = [];
      for (;;) {
        select([socket.fd], [], 5);
        try {
          const chunk = socket.recv();
          if (chunk.byteLength === 0) break;
          chunks.push(chunk);
        } catch (error) {
          expect((error as PosixError).code).toBe('EAGAIN');
        }
      }
      expect(Buffer.concat(chunks).equals(poem)).toBe(true);
      expect(() => socket.recv()).not.toThrow(); // still end of file, not an error
    } finally {
      socket.close();
    }
  });

  it('throws EAGAIN from recv when nothing has arrived yet', async () => {
    const { port } = await peer('silent');
    const socket = createConnection('127.0.0.1', port);
    try {
      socket.setBlocking(false);
      expect(() => socket.recv()).toThrow(expect.objectContaining({ code: 'EAGAIN' }));
    } finally {
      socket.close();
    }
  });

  it('learns of a refused connection from SO_ERROR once the socket turns writable', () => {
    const socket = new Socket('IPv4');
    try {
      socket.setBlocking(false);
      let error: PosixError | undefined;
      try {
        if (socket.connectEx(loopback(1)) !== 0) {
          const { POLLOUT } = pollEvents();
          expect(poll([{ fd: socket.fd, events: POLLOUT }], 5000)[0]).not.toBe(0);
          error = socket.pendingError();
        }
      } catch (thrown) {
        error = thrown as PosixError; // Linux may refuse loopback at once
      }
      expect(error?.code).toBe('ECONNREFUSED');
    } finally {
      socket.close();
    }
  });
});

describe('select and poll', () => {
  it('times out with nothing ready', async () => {
    const { port } = await peer('silent');
    const socket = createConnection('127.0.0.1', port);
    try {
      expect(select([socket.fd], [], 0.02)).toEqual({ readable: [], writable: [] });
      expect(poll([{ fd: socket.fd, events: pollEvents().POLLIN }], 20)).toEqual([0]);
    } finally {
      socket.close();
    }
  });

  it('waits on through a signal (EINTR) for the time that was left', async () => {
    const { port } = await peer('silent');
    const socket = createConnection('127.0.0.1', port);
    // A child that exits at once: Node's SIGCHLD handler interrupts the waits below.
    const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    const exited = once(child, 'exit');
    try {
      const started = performance.now();
      expect(select([socket.fd], [], 0.4)).toEqual({ readable: [], writable: [] });
      expect(poll([{ fd: socket.fd, events: pollEvents().POLLIN }], 300)).toEqual([0]);
      expect(performance.now() - started).toBeGreaterThanOrEqual(690);
    } finally {
      socket.close();
    }
    await exited;
  });

  it('finds the right bit for descriptors in every word of the fd_set', () => {
    const fds = descriptorsUpTo(1023);
    try {
      const watched = fds.filter((fd) => fd % 61 === 0 || fd === 1023);
      expect(watched.length).toBeGreaterThan(10);
      // /dev/null is always readable and writable: every watched descriptor comes back, and only those.
      expect(select(watched, watched.slice(0, 3), 0)).toEqual({ readable: watched, writable: watched.slice(0, 3) });
    } finally {
      fds.forEach((fd) => closeSync(fd));
    }
  });

  it('refuses a descriptor at FD_SETSIZE with an error naming the limit and poll, while poll takes it', () => {
    const fds = descriptorsUpTo(1024);
    const high = fds.at(-1)!;
    try {
      let caught: unknown;
      try {
        select([3, high], [], 0);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(FdSetSizeError);
      expect((caught as Error).message).toMatch(/FD_SETSIZE \(1024\).*poll/);
      expect(poll([{ fd: high, events: pollEvents().POLLIN }], 0)[0]! & pollEvents().POLLIN).not.toBe(0);
    } finally {
      fds.forEach((fd) => closeSync(fd));
    }
  });
});

describe('descriptors', () => {
  it('are all given back, on success and on every failure', async () => {
    const { port } = await peer('send', poem);
    const silent = await peer('silent');
    const before = openDescriptors();
    for (let i = 0; i < 3; i++) {
      const socket = createConnection('127.0.0.1', port);
      readAll(socket);
      socket.close();
      socket.close(); // twice is harmless
      expect(() => createConnection('127.0.0.1', 1)).toThrow();
      expect(() => createConnection('no-such-host.invalid', 1)).toThrow();
      const waiting = createConnection('127.0.0.1', silent.port, 0.01);
      expect(() => waiting.recv()).toThrow();
      waiting.close();
    }
    expect(openDescriptors()).toBe(before);
  });
});
