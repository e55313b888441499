// Run the compiled command-line program as a child process, as a user would.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const binPath = fileURLToPath(new URL('../bin/get-poetry-select.js', import.meta.url));

export interface CliRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  lines: string[];
}

export interface StartedCli {
  child: ChildProcess;
  /** Resolves once stdout has shown a line matching `pattern`. */
  printed(pattern: RegExp): Promise<void>;
  done: Promise<CliRun>;
}

export function startCli(args: string[]): StartedCli {
  const child = spawn(process.execPath, [binPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiting: { pattern: RegExp; resolve: () => void }[] = [];
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
    for (const wait of waiting.filter((w) => w.pattern.test(stdout))) wait.resolve();
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const done = new Promise<CliRun>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (status, signal) =>
      resolve({ status, signal, stdout, stderr, lines: stdout.split('\n').filter(Boolean) }),
    );
  });
  return {
    child,
    printed: (pattern) =>
      pattern.test(stdout) ? Promise.resolve() : new Promise((resolve) => waiting.push({ pattern, resolve })),
    done,
  };
}

export function runCli(args: string[]): Promise<CliRun> {
  return startCli(args).done;
}
