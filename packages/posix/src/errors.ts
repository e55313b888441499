// A failed system call, as a JavaScript error. Like Node's own errors, it carries
// the errno *name* as `code` (ECONNREFUSED, EAGAIN, EINPROGRESS…), so callers
// test names, never numbers (which differ between Linux and macOS).
import { libc } from './libc.js';
import { errnoNames, type ErrnoName } from './platform.js';

export class PosixError extends Error {
  override name = 'PosixError';

  constructor(
    /** The errno name, e.g. 'ECONNREFUSED' ('E' + the number if we have no name for it). */
    readonly code: string,
    /** The errno number on this system. */
    readonly errno: number,
    /** The call that failed, e.g. 'connect'. */
    readonly syscall: string,
    message: string,
  ) {
    super(message);
  }
}

/** The name of an errno number on this system. */
export function errnoName(errno: number): string {
  const table = libc().platform.errno;
  return errnoNames.find((name) => table[name] === errno) ?? `E${errno}`;
}

/** The system's own words for an errno number, e.g. 'Connection refused'. */
function strerror(errno: number): string {
  return String(libc().strerror(errno));
}

/**
 * `connect ECONNREFUSED 127.0.0.1:10000 (Connection refused)`: the call, the
 * name, what it was doing, and the system's description.
 */
export function posixError(syscall: string, errno: number, target?: string): PosixError {
  const code = errnoName(errno);
  const where = target === undefined ? '' : ` ${target}`;
  return new PosixError(code, errno, syscall, `${syscall} ${code}${where} (${strerror(errno)})`);
}

/** The same, for a named errno (e.g. a timeout we detect ourselves). */
export function namedPosixError(syscall: string, code: ErrnoName, target?: string): PosixError {
  return posixError(syscall, libc().platform.errno[code], target);
}
