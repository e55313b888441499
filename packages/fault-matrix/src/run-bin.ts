// Run a program the way a user does: a separate Node process, its own stdout,
// stderr and exit status. Nothing is mocked, and nothing can hang the suite:
// every run has a deadline after which it is killed and reported as hung.
import { spawn, type ChildProcess } from 'node:child_process';

export interface Finished {
  /** Exit status, or null when a signal ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit. */
  ms: number;
  /** True if the deadline passed and the process was killed. */
  hung: boolean;
}

export interface Running {
  child: ChildProcess;
  /** Output so far. */
  readonly stdout: string;
  readonly stderr: string;
  /** True while the process is alive. */
  readonly running: boolean;
  /** Resolves when the process exits (or is killed at its deadline). */
  done: Promise<Finished>;
}

export interface RunOptions {
  /** Kill the process (SIGKILL) after this long. Default 15 s. */
  deadlineMs?: number;
  env?: NodeJS.ProcessEnv;
}

export function startBin(binPath: string, args: string[], options: RunOptions = {}): Running {
  const started = performance.now();
  const child = spawn(process.execPath, [binPath, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: options.env ?? process.env,
  });
  let stdout = '';
  let stderr = '';
  let running = true;
  let hung = false;
  child.stdout!.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const deadline = setTimeout(() => {
    hung = true;
    child.kill('SIGKILL');
  }, options.deadlineMs ?? 15_000);

  const done = new Promise<Finished>((resolve, reject) => {
    child.once('error', reject);
    // 'close' rather than 'exit': it waits for stdout and stderr to be read to the end.
    child.once('close', (code, signal) => {
      running = false;
      clearTimeout(deadline);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started, hung });
    });
  });
  return {
    child,
    done,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    get running() {
      return running;
    },
  };
}

export function runBin(binPath: string, args: string[], options: RunOptions = {}): Promise<Finished> {
  return startBin(binPath, args, options).done;
}

/** A line of a stack trace, as Node prints them: "    at f (file.js:1:2)". */
export const stackTraceLine = /^\s+at .+[:(]/m;

export function lines(text: string): string[] {
  return text.split('\n').filter((line) => line !== '');
}
