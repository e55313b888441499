// Run one client as a process and read back what it did: its result record
// (`--json` on stdout: the same record compare reads from the trace), and what
// it spent, CPU seconds and peak memory, recorded by the process itself at exit
// (usage-preload.ts). A run that outlives its deadline is killed, process group
// and all, and reported as hung: a bench must never hang silently either.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ownGroup, removeFolder, temporaryFolder } from '@slow-poetry/cli-kit';

import { readClientResult } from '@slow-poetry/shared';

import { floorClientPath, usagePreloadPath, type BenchClient } from './stages.js';
import type { Usage } from './usage-preload.js';

export interface RunResult {
  /** The client's own measure of the downloads, from its result record (ms). */
  ms: number | undefined;
  poems: number;
  failed: number;
  /** Bytes of poetry received, in all. */
  bytes: number;
  /** Why tasks failed: reason → count. */
  reasons: Record<string, number>;
  code: number | null;
  hung: boolean;
  wallMs: number;
  cpuSeconds: number;
  maxRssKb: number;
  /** The first line of stderr, or why the result could not be read. */
  stderr: string;
}

export interface RunOptions {
  /** Idle/connect timeout per task (--timeout), seconds. */
  timeout: number;
  deadlineMs: number;
}

/** Every client is run the same way: `--quiet --json --timeout T ADDRESS...`, after its variant's options. */
export function clientCommand(client: BenchClient, addresses: string[], options: RunOptions): string[] {
  const common = [...client.extraArgs, '--quiet', '--json', '--timeout', String(options.timeout), ...addresses];
  if (client.command !== undefined) return [...client.command, ...common];
  return [process.execPath, '--import', usagePreloadPath, client.stage?.launcher ?? floorClientPath, ...common];
}

export async function measureClient(client: BenchClient, addresses: string[], options: RunOptions): Promise<RunResult> {
  const dir = temporaryFolder('slow-poetry-bench-');
  const usageFile = join(dir, 'usage.json');
  const [command, ...args] = clientCommand(client, addresses, options);
  const started = performance.now();
  // detached: a group of its own, so a hung run is killed with every process in it.
  const child = ownGroup(
    spawn(command!, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      env: { ...process.env, SLOW_POETRY_USAGE: usageFile },
    }),
  );
  const stdout: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  let hung = false;
  const deadline = setTimeout(() => {
    hung = true;
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }, options.deadlineMs);
  const code = await new Promise<number | null>((resolve) => {
    child.once('error', (error) => {
      stderr += error.message;
      resolve(null);
    });
    child.once('close', (status) => resolve(status));
  });
  clearTimeout(deadline);
  const wallMs = performance.now() - started;

  let usage: Usage = { cpuSeconds: NaN, maxRssKb: NaN };
  try {
    usage = JSON.parse(readFileSync(usageFile, 'utf8')) as Usage;
  } catch {
    // killed before it could write its figures
  }
  removeFolder(dir);

  const base = { code, hung, wallMs, ...usage, stderr: stderr.split('\n').find((line) => line.trim() !== '') ?? '' };
  const text = Buffer.concat(stdout).toString('utf8').trim();
  try {
    const result = readClientResult(text);
    return { ...base, ms: result.ms, poems: result.poems, failed: result.failed, bytes: result.bytes, reasons: result.reasons };
  } catch (error) {
    return {
      ...base,
      ms: undefined,
      poems: 0,
      failed: 0,
      bytes: 0,
      reasons: {},
      stderr: base.stderr || (error as Error).message,
    };
  }
}

/** `12 × connection refused (ECONNREFUSED); 3 × timed out (ETIMEDOUT)` */
export function describeReasons(reasons: Record<string, number>): string {
  return Object.entries(reasons)
    .map(([reason, count]) => `${count} × ${reason}`)
    .join('; ');
}
