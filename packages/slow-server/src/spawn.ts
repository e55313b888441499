// Start `slowpoetry` in a child process and wait until it is listening.
//
// Tests of the blocking stages need this: a blocking client stops its whole
// thread, so a server in the same process could never answer it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

// From dist/ the compiled CLI sits beside this file; from src/ (in tests) it is in dist/.
const fromSource = import.meta.url.endsWith('.ts');
export const serverCliPath = fileURLToPath(new URL(fromSource ? '../dist/cli.js' : './cli.js', import.meta.url));
export const sceneCliPath = fileURLToPath(new URL(fromSource ? '../dist/scene-cli.js' : './scene-cli.js', import.meta.url));

export interface ServerProcess {
  port: number;
  child: ChildProcess;
  /** Every stdout line so far, the 'Serving …' line first. */
  lines: string[];
  /** Stop the server (SIGTERM) and wait for the process to exit. */
  close(): Promise<void>;
}

/** `args` are slowpoetry's own arguments; `--port 0` is added unless a port is given. */
export async function spawnServer(args: string[]): Promise<ServerProcess> {
  const withPort = args.includes('--port') ? args : ['--port', '0', ...args];
  const child = spawn(process.execPath, [serverCliPath, ...withPort], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      const match = /^Serving .* on port (\d+)\.$/.exec(line);
      if (match) resolve(Number(match[1]));
    });
    child.once('error', reject);
    void exited.then(() => reject(new Error(`slowpoetry exited before listening: ${stderr.trim()}`)));
  });

  return {
    port,
    child,
    lines,
    async close() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
