// Run a program the way a user does: a separate Node process, its own stdout,
// stderr and exit status (shared's startCli). Nothing is mocked, and nothing can
// hang the suite: every run has a deadline after which it is killed and reported
// as hung.
import type { ChildProcess } from 'node:child_process';

import { startCli, type CliRun, type SpawnWith } from '@slow-poetry/test-kit';

export interface Finished extends CliRun {
  /** Wall time from spawn to exit. */
  ms: number;
  /** True if the deadline passed and the process was killed. */
  hung: boolean;
}

export interface Running {
  child: ChildProcess;
  /** stdout so far. */
  readonly stdout: string;
  /** True while the process is alive. */
  readonly running: boolean;
  /** Resolves when the process exits (or is killed at its deadline). */
  done: Promise<Finished>;
}

export interface RunOptions extends SpawnWith {
  /** Kill the process (SIGKILL) after this long. Default 15 s. */
  deadlineMs?: number;
}

export function startBin(binPath: string, args: string[], options: RunOptions = {}): Running {
  const started = performance.now();
  let stdout = '';
  const { child, done } = startCli(binPath, args, (soFar) => (stdout = soFar), options);
  let hung = false;
  const deadline = setTimeout(() => {
    hung = true;
    child.kill('SIGKILL');
  }, options.deadlineMs ?? 15_000);
  return {
    child,
    done: done.finally(() => clearTimeout(deadline)).then((run) => ({ ...run, ms: performance.now() - started, hung })),
    get stdout() {
      return stdout;
    },
    get running() {
      return child.exitCode === null && child.signalCode === null;
    },
  };
}

export function runBin(binPath: string, args: string[], options: RunOptions = {}): Promise<Finished> {
  return startBin(binPath, args, options).done;
}

/** A line of a stack trace, as Node prints them: "    at f (file.js:1:2)". */
export const stackTraceLine = /^\s+at .+[:(]/m;
