// Run the real `slow-poetry-compare` launcher (the built dist/) as a child process.
import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const launcher = fileURLToPath(new URL('../bin/slow-poetry-compare.js', import.meta.url));

export interface CompareRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCompare(args: string[]): Promise<CompareRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [launcher, ...args], { maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Run compare with a reader that goes away after the first line it gets, as `| head -1` does. */
export function runCompareIntoClosedPipe(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [launcher, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.stdout.once('data', () => child.stdout.destroy());
    child.once('close', (code) => resolve({ code, stderr }));
  });
}
