// Why a task failed, in one line. Errors from the network and the file system
// carry an errno name (`code`); the clients add their own: a timeout, a poem too
// long, a cancel, a signal, a poem that could not be saved.

export type CodedError = Error & { code?: string };

const reasons: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by peer',
  ETIMEDOUT: 'timed out',
  ENOTFOUND: 'unknown host',
  EAI_NONAME: 'unknown host',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EADDRNOTAVAIL: 'address not available',
  EPIPE: 'broken pipe',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOSPC: 'no space left on device',
  EROFS: 'read-only file system',
  EEXIST: 'already exists',
  EPOEMTOOLONG: 'poem too long',
  ESAVE: 'poem not saved',
  ABORT_ERR: 'cancelled',
  ECANCELLED: 'cancelled',
  EINTERRUPTED: 'interrupted',
};

/** `connection refused (ECONNREFUSED)`, or the error's own message. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as CodedError).code;
  if (code !== undefined && reasons[code] !== undefined) {
    // Leave out a message that only repeats the code or the reason.
    const message = firstLine(error.message);
    const repeats = message.includes(code) || message === reasons[code];
    const detail = message && !repeats ? `: ${message}` : '';
    return `${reasons[code]} (${code})${detail}`;
  }
  return firstLine(error.message) || error.name;
}

const firstLine = (text: string): string => text.split('\n')[0] ?? '';

export function codedError(code: string, message: string): CodedError {
  return Object.assign(new Error(message), { code });
}

/** No connection or no new bytes for `seconds`. */
export function timeoutError(seconds: number): CodedError {
  return codedError('ETIMEDOUT', `no data for ${seconds} s`);
}

/** The server sent more than the client agreed to hold. */
export function poemTooLongError(maxBytes: number): CodedError {
  return codedError('EPOEMTOOLONG', `more than ${maxBytes} bytes`);
}

/** A download cancelled through an AbortSignal, shaped like the web platform's (and Node's) AbortError. */
export function abortError(reason?: unknown): CodedError {
  return Object.assign(new Error('The operation was aborted', { cause: reason }), { name: 'AbortError', code: 'ABORT_ERR' });
}

/** A task cut short by a signal that asked the whole client to stop (Ctrl-C, SIGTERM, SIGHUP). */
export function interruptedError(signal: string): CodedError {
  return codedError('EINTERRUPTED', signal);
}
