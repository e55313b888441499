// The C library's functions, declared once through koffi (an FFI: it calls C
// functions from JavaScript with no compiler and no native build step).
//
// Every call here is synchronous: the calling thread (and so Node's event loop)
// waits inside the C function until it returns. That is the point for stage 1,
// and the reason stage 2 makes its sockets non-blocking and waits in select().
import koffi, { type TypeObject } from 'koffi';

import { currentPlatform, type Platform } from './platform.js';

type Fn = (...args: unknown[]) => unknown;

export interface Libc {
  platform: Platform;
  socket: Fn;
  connect: Fn;
  recv: Fn;
  close: Fn;
  fcntl: Fn;
  getsockopt: Fn;
  select: Fn;
  poll: Fn;
  getaddrinfo: Fn;
  freeaddrinfo: Fn;
  gaiStrerror: Fn;
  strerror: Fn;
  /** struct addrinfo, in this system's member order. */
  addrinfo: TypeObject;
}

let loaded: Libc | undefined;

/** Load the C library on first use (so that merely importing this package works anywhere). */
export function libc(): Libc {
  if (loaded !== undefined) return loaded;
  const platform = currentPlatform();
  const lib = koffi.load(platform.libc);
  const fn = (declaration: string): Fn => lib.func(declaration) as Fn;

  // struct addrinfo. The two systems agree on everything but the order of the last pointers.
  const head = {
    ai_flags: 'int',
    ai_family: 'int',
    ai_socktype: 'int',
    ai_protocol: 'int',
    ai_addrlen: 'uint32_t',
  };
  const addrinfo = koffi.struct(
    `slow_poetry_addrinfo_${platform.name}`,
    platform.canonnameBeforeAddr
      ? { ...head, ai_canonname: 'void *', ai_addr: 'void *', ai_next: 'void *' }
      : { ...head, ai_addr: 'void *', ai_canonname: 'void *', ai_next: 'void *' },
  );

  loaded = {
    platform,
    socket: fn('int socket(int domain, int type, int protocol)'),
    connect: fn('int connect(int fd, const void *addr, uint32_t addrlen)'),
    // ssize_t is a long on every system we support.
    recv: fn('long recv(int fd, _Out_ void *buf, size_t len, int flags)'),
    close: fn('int close(int fd)'),
    // fcntl is variadic: declaring it so matters on arm64 macOS, where variadic arguments go on the stack.
    fcntl: fn('int fcntl(int fd, int cmd, ...)'),
    getsockopt: fn('int getsockopt(int fd, int level, int name, _Out_ void *value, _Inout_ void *length)'),
    select: fn('int select(int nfds, void *readfds, void *writefds, void *exceptfds, void *timeout)'),
    poll: fn(`int poll(void *fds, ${platform.nfdsType} nfds, int timeout)`),
    getaddrinfo: fn('int getaddrinfo(const char *node, const char *service, const void *hints, _Out_ void **res)'),
    freeaddrinfo: fn('void freeaddrinfo(void *res)'),
    gaiStrerror: fn('const char *gai_strerror(int code)'),
    strerror: fn('const char *strerror(int errnum)'),
    addrinfo,
  };
  return loaded;
}

/** errno, as the last failed call left it. Read it at once: the next call may change it. */
export function lastErrno(): number {
  return koffi.errno();
}
