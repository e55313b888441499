// How many connections a server can hold before its process runs out of file
// descriptors: every socket is one.
//
// Running out is worse than it sounds. When accept() fails with EMFILE, libuv
// (under Node) frees a descriptor it keeps in reserve, accepts every waiting
// connection and closes it at once, cleanly. Each of those clients sees a
// connection that opens and closes with nothing in between: an empty poem, and
// no error. So the server stops a little short of the limit and turns the next
// connection away with a reset, which a client does report as an error.
import { readFileSync } from 'node:fs';

/** Descriptors left to the process itself: stdio, the event loop's own, the listening socket, files. */
export const fileDescriptorMargin = 64;

/**
 * The process's limit on open files (the soft RLIMIT_NOFILE), read from
 * /proc/self/limits on Linux; undefined where that cannot be read. Node raises
 * the soft limit to the hard one as it starts, so this is the limit the server
 * really has, whatever `ulimit -Sn` said before.
 */
export function openFileLimit(limitsFile = '/proc/self/limits'): number | undefined {
  let text: string;
  try {
    text = readFileSync(limitsFile, 'utf8');
  } catch {
    return undefined; // not Linux, or no /proc: no default limit
  }
  // "Max open files            20000                20000                files"
  const soft = /^Max open files\s+(\S+)/m.exec(text)?.[1];
  return soft !== undefined && /^\d+$/.test(soft) ? Number(soft) : undefined; // "unlimited" is no number
}

/** The most connections for a limit on open files: the limit minus the margin (at least 1), or no limit. */
export function maxConnectionsFor(fileLimit: number | undefined): number {
  return fileLimit === undefined ? Infinity : Math.max(1, fileLimit - fileDescriptorMargin);
}

/** The default for `maxConnections`: this process's open-file limit minus the margin. */
export function defaultMaxConnections(): number {
  return maxConnectionsFor(openFileLimit());
}
