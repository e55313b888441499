// The one place where the loop blocks: wait until some sockets are ready.
//
// select() and poll() answer the same question — which of these descriptors can
// I read or write without waiting? — in two ways. select() takes bit sets of a
// fixed size (FD_SETSIZE, 1024 bits), so it cannot watch descriptor 1024 or
// above. poll() takes a list, so it can watch as many as the process may open.
import { poll, pollEvents, select, type Ready } from '@slow-poetry/posix';

export type Poller = 'select' | 'poll';

/** Block until a socket is ready or `timeoutMs` pass (null: no limit). */
export function waitForReady(poller: Poller, readFds: number[], writeFds: number[], timeoutMs: number | null): Ready {
  if (poller === 'select') return select(readFds, writeFds, timeoutMs === null ? null : timeoutMs / 1000);

  const { POLLIN, POLLOUT, POLLERR, POLLHUP, POLLNVAL } = pollEvents();
  const entries = [...readFds.map((fd) => ({ fd, events: POLLIN })), ...writeFds.map((fd) => ({ fd, events: POLLOUT }))];
  const revents = poll(entries, timeoutMs ?? -1);
  // An error or a hang-up counts as ready, as in select(): the next recv() or SO_ERROR tells what happened.
  const trouble = POLLERR | POLLHUP | POLLNVAL;
  return {
    readable: readFds.filter((_, i) => (revents[i]! & (POLLIN | trouble)) !== 0),
    writable: writeFds.filter((_, i) => (revents[readFds.length + i]! & (POLLOUT | trouble)) !== 0),
  };
}
