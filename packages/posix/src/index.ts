// A thin layer over the C library's sockets, select(2) and poll(2), called through
// koffi: our `socket` and `select` modules, as Python has them. Stages 1 and 2
// use it because Node offers neither blocking sockets nor select().
export { errnoName, PosixError } from './errors.js';
export { currentPlatform, platforms, UnsupportedPlatformError, type Platform } from './platform.js';
export { FdSetSizeError, poll, pollEvents, pollOne, select, type PollEntry, type Ready } from './select.js';
export { createConnection, getaddrinfo, Socket, type Family, type SocketAddress } from './socket.js';
