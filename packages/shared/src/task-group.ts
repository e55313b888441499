// --fail-fast and --concurrency: what happens to the other downloads when one
// fails, and how many run at once. How a stage does either is its lesson — a
// counter, a small limiter, mergeMap's second argument, one AbortController for
// the whole run — so it stays in the stage's cli.ts. Reading the options, and
// reporting what they did, is the same everywhere, so it is here.
import { readInteger } from '@slow-poetry/cli-kit';

import type { ClientArgs, ExtraOption } from './client-args.js';

/** The two options, for a stage's `ClientProgram.options`. */
export const taskGroupOptions: Record<'fail-fast' | 'concurrency', ExtraOption> = {
  'fail-fast': { type: 'boolean', help: '--fail-fast         when a task fails, cancel every other one (exit status 1)' },
  concurrency: {
    type: 'string',
    help: '--concurrency N     at most N downloads at a time; the others wait their turn, in order',
  },
};

export interface TaskGroupArgs {
  /** Cancel the other tasks at the first failure. */
  failFast: boolean;
  /** At most this many downloads at a time (Infinity: all at once). */
  concurrency: number;
}

/** The values of --fail-fast and --concurrency, or a UsageError for a bad --concurrency. */
export function readTaskGroupArgs(args: ClientArgs): TaskGroupArgs {
  const concurrency = args.extra['concurrency'];
  return {
    failFast: args.extra['fail-fast'] === true,
    concurrency: typeof concurrency === 'string' ? readInteger('--concurrency', concurrency, 1) : Infinity,
  };
}

/** Is this error a download being cancelled (an AbortSignal, an unsubscribe), rather than failing on its own? */
export function isCancellation(error: unknown): boolean {
  const { code, name } = (error ?? {}) as { code?: unknown; name?: unknown };
  return code === 'ABORT_ERR' || code === 'ECANCELLED' || name === 'AbortError';
}
