// Run the real `slow-poetry-compare` launcher (the built dist/) as a child process.
import { execFile } from 'node:child_process';
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
