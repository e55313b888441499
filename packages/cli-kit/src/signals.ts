// The signals that ask a program to stop: Ctrl-C (SIGINT), `kill` or a parent
// tool stopping its children (SIGTERM), and a closed terminal (SIGHUP). Node's
// default for each is to end the process at once, mid-write; a program that
// installs a handler gets to say what it got so far and exit with the status a
// shell expects of that signal.
import { exitStatus } from './usage-error.js';

export type StopSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

export const stopSignals: readonly StopSignal[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** 130, 143 or 129: 128 + the signal's number. */
export function statusFor(signal: StopSignal): number {
  return { SIGINT: exitStatus.interrupted, SIGTERM: exitStatus.terminated, SIGHUP: exitStatus.hangup }[signal];
}

/**
 * Call `stop(signal)` on the first of SIGINT, SIGTERM or SIGHUP, and `again`
 * on every signal after it. Returns a function that removes the handlers (once
 * the work is over, a signal should end the process the default way again) —
 * unless a signal has come: then they stay to the end, ignoring the copies.
 * `pnpm exec` answers the terminal's Ctrl-C with a SIGTERM of its own a moment
 * later, and that copy, arriving with no handler, would end the process before
 * it had printed its summary.
 */
export function onStopSignal(stop: (signal: StopSignal) => void, again?: (signal: StopSignal) => void): () => void {
  let stopped = false;
  const handlers = stopSignals.map((signal) => {
    const handler = (): void => {
      if (stopped) return again?.(signal); // a terminal and a parent tool may both send one
      stopped = true;
      stop(signal);
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  return () => {
    if (stopped) return;
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
}

/**
 * A server's way out: on SIGINT, SIGTERM or SIGHUP, close, then exit 0. Being
 * asked to stop is how a server's run ends, so it is no failure (a package
 * manager that ran it would otherwise report one).
 *
 * Ctrl-C and a closed terminal signal every process of the foreground job, so a
 * server started through `pnpm servers` gets SIGINT twice: once from the
 * terminal and once more from pnpm, which passes its own copy on a moment later.
 * A Node process that is already on its way out has put the default handlers
 * back, and that late copy would end it by the signal: pnpm would then report
 * "Command failed". So after a terminal's signal the server waits for the copy
 * (at most `graceMs`) before it lets the process end. A SIGTERM comes from one
 * sender to one process: no copy follows it.
 */
export function closeOnSignal(close: () => Promise<void>, graceMs = 500): void {
  let copyCame = (): void => {};
  onStopSignal(
    (signal) => {
      const copy =
        signal === 'SIGTERM'
          ? Promise.resolve()
          : new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, graceMs);
              copyCame = () => {
                clearTimeout(timer);
                resolve();
              };
            });
      void Promise.all([close(), copy]).then(() => {
        process.exitCode = exitStatus.ok;
      });
    },
    () => copyCame(),
  );
}
