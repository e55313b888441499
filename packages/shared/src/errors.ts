// Why a task failed, in one line. Errors from the network carry an errno name
// (`code`); the clients add their own: a timeout, a poem too long, a cancel.

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
  EPOEMTOOLONG: 'poem too long',
  ABORT_ERR: 'cancelled',
  EINTERRUPTED: 'interrupted',
};

/** `connection refused (ECONNREFUSED)`, or the error's own message. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as CodedError).code;
  if (code !== undefined && reasons[code] !== undefined) {
    // Leave out a message that only repeats the code or the reason (e.g. Ctrl-C's 'interrupted').
    const repeats = error.message.includes(code) || error.message === reasons[code];
    const detail = error.message && !repeats ? `: ${error.message}` : '';
    return `${reasons[code]} (${code})${detail}`;
  }
  return error.message.split('\n')[0] ?? error.name;
}

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
