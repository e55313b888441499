// Bad input is the user's to fix, so it gets one line that says what is wrong
// and exit status 2 — never a stack trace.

/** Bad input from the user: reported in one line, exit status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * The exit statuses every program here uses. A signal's status is 128 + its
 * number, as a shell reports a process that the signal ended.
 */
export const exitStatus = {
  ok: 0,
  failed: 1,
  usage: 2,
  hangup: 129, // SIGHUP: the terminal went away
  interrupted: 130, // SIGINT: Ctrl-C
  terminated: 143, // SIGTERM: `kill`, or a tool stopping its children
} as const;
