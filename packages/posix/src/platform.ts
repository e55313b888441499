// The numbers the C library uses, for each system we support, in one table.
//
// C programs get these from header files at compile time; calling libc from
// JavaScript, we have to write them down ourselves. Linux (x86-64 and arm64 share
// them) is tested here; the macOS values are from its headers and written in so
// that the tutorial's UNIX-only programs run there too. Windows has sockets, but
// not these ones (no fcntl, a different select): stages 1 and 2 stop there.

export interface Platform {
  name: 'linux' | 'darwin';
  /** The shared C library to load. */
  libc: string;
  AF_INET: number;
  AF_INET6: number;
  AF_UNSPEC: number;
  SOCK_STREAM: number;
  SOL_SOCKET: number;
  SO_ERROR: number;
  F_GETFL: number;
  F_SETFL: number;
  O_NONBLOCK: number;
  /** How many descriptors an fd_set holds: select() cannot watch descriptor FD_SETSIZE or above. */
  FD_SETSIZE: number;
  /** poll()'s event bits (the same on both systems). */
  POLLIN: number;
  POLLOUT: number;
  POLLERR: number;
  POLLHUP: number;
  POLLNVAL: number;
  /** nfds_t, poll()'s count argument: unsigned long on Linux, unsigned int on macOS. */
  nfdsType: 'unsigned long' | 'unsigned int';
  /** struct addrinfo: BSD puts ai_canonname before ai_addr, glibc after. */
  canonnameBeforeAddr: boolean;
  /** errno values by name. */
  errno: Record<ErrnoName, number>;
  /** getaddrinfo()'s own error codes (it does not use errno). */
  eai: { EAI_AGAIN: number; EAI_FAIL: number; EAI_NONAME: number; EAI_NODATA: number; EAI_SYSTEM: number };
}

export const errnoNames = [
  'EPERM',
  'ENOENT',
  'EINTR',
  'EBADF',
  'EAGAIN',
  'ENOMEM',
  'EACCES',
  'EFAULT',
  'EINVAL',
  'ENFILE',
  'EMFILE',
  'EPIPE',
  'EINPROGRESS',
  'EALREADY',
  'ENOTSOCK',
  'EAFNOSUPPORT',
  'EADDRINUSE',
  'EADDRNOTAVAIL',
  'ENETDOWN',
  'ENETUNREACH',
  'ECONNABORTED',
  'ECONNRESET',
  'ENOBUFS',
  'EISCONN',
  'ENOTCONN',
  'ETIMEDOUT',
  'ECONNREFUSED',
  'EHOSTUNREACH',
] as const;

export type ErrnoName = (typeof errnoNames)[number];

const poll = { POLLIN: 0x1, POLLOUT: 0x4, POLLERR: 0x8, POLLHUP: 0x10, POLLNVAL: 0x20 };

export const platforms: Record<'linux' | 'darwin', Platform> = {
  linux: {
    name: 'linux',
    libc: 'libc.so.6',
    AF_INET: 2,
    AF_INET6: 10,
    AF_UNSPEC: 0,
    SOCK_STREAM: 1,
    SOL_SOCKET: 1,
    SO_ERROR: 4,
    F_GETFL: 3,
    F_SETFL: 4,
    O_NONBLOCK: 0o4000,
    FD_SETSIZE: 1024,
    ...poll,
    nfdsType: 'unsigned long',
    canonnameBeforeAddr: false,
    errno: {
      EPERM: 1,
      ENOENT: 2,
      EINTR: 4,
      EBADF: 9,
      EAGAIN: 11,
      ENOMEM: 12,
      EACCES: 13,
      EFAULT: 14,
      EINVAL: 22,
      ENFILE: 23,
      EMFILE: 24,
      EPIPE: 32,
      EINPROGRESS: 115,
      EALREADY: 114,
      ENOTSOCK: 88,
      EAFNOSUPPORT: 97,
      EADDRINUSE: 98,
      EADDRNOTAVAIL: 99,
      ENETDOWN: 100,
      ENETUNREACH: 101,
      ECONNABORTED: 103,
      ECONNRESET: 104,
      ENOBUFS: 105,
      EISCONN: 106,
      ENOTCONN: 107,
      ETIMEDOUT: 110,
      ECONNREFUSED: 111,
      EHOSTUNREACH: 113,
    },
    eai: { EAI_AGAIN: -3, EAI_FAIL: -4, EAI_NONAME: -2, EAI_NODATA: -5, EAI_SYSTEM: -11 },
  },
  darwin: {
    name: 'darwin',
    libc: 'libSystem.B.dylib',
    AF_INET: 2,
    AF_INET6: 30,
    AF_UNSPEC: 0,
    SOCK_STREAM: 1,
    SOL_SOCKET: 0xffff,
    SO_ERROR: 0x1007,
    F_GETFL: 3,
    F_SETFL: 4,
    O_NONBLOCK: 0x4,
    FD_SETSIZE: 1024,
    ...poll,
    nfdsType: 'unsigned int',
    canonnameBeforeAddr: true,
    errno: {
      EPERM: 1,
      ENOENT: 2,
      EINTR: 4,
      EBADF: 9,
      EAGAIN: 35,
      ENOMEM: 12,
      EACCES: 13,
      EFAULT: 14,
      EINVAL: 22,
      ENFILE: 23,
      EMFILE: 24,
      EPIPE: 32,
      EINPROGRESS: 36,
      EALREADY: 37,
      ENOTSOCK: 38,
      EAFNOSUPPORT: 47,
      EADDRINUSE: 48,
      EADDRNOTAVAIL: 49,
      ENETDOWN: 50,
      ENETUNREACH: 51,
      ECONNABORTED: 53,
      ECONNRESET: 54,
      ENOBUFS: 55,
      EISCONN: 56,
      ENOTCONN: 57,
      ETIMEDOUT: 60,
      ECONNREFUSED: 61,
      EHOSTUNREACH: 65,
    },
    eai: { EAI_AGAIN: 2, EAI_FAIL: 4, EAI_NONAME: 8, EAI_NODATA: 7, EAI_SYSTEM: 11 },
  },
};

/** Thrown on a system this package has no table for (Windows, for one). */
export class UnsupportedPlatformError extends Error {
  override name = 'UnsupportedPlatformError';
  readonly code = 'ENOTSUP';
  constructor(system: string) {
    super(
      `stages 1 and 2 call the C library's sockets directly and run on Linux and macOS only, not on ${system}; ` +
        'stages 3 to 6 run everywhere',
    );
  }
}

/** The table for the system we are running on, or an UnsupportedPlatformError. */
export function currentPlatform(system: string = process.platform): Platform {
  if (system === 'linux' || system === 'darwin') return platforms[system];
  throw new UnsupportedPlatformError(system);
}
