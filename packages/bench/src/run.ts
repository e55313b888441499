// Run one client as a process under /usr/bin/time, so that every figure comes
// from outside: its CPU seconds (user + system) and its peak memory (max RSS),
// plus what it says about itself (the summary line, or the floor's JSON).
// A run that outlives its deadline is killed, process group and all, and
// reported as hung: a bench must never hang silently either.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { floorClientPath, type BenchClient } from './stages.js';
import type { FloorResult } from './floor-client.js';

export interface RunResult {
  /** The client's own measure of the downloads, from its summary line (ms). */
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
  /** The first line of stderr, if any. */
  stderr: string;
}

export interface RunOptions {
  /** Idle/connect timeout per task (--timeout), seconds. */
  timeout: number;
  deadlineMs: number;
}

/** The floor takes the stages' command line too: every client is run the same way. */
function clientCommand(client: BenchClient, addresses: string[], options: RunOptions): string[] {
  const path = client.stage?.launcher ?? floorClientPath;
  return [path, ...client.extraArgs, '--quiet', '--timeout', String(options.timeout), ...addresses];
}

export async function runClient(client: BenchClient, addresses: string[], options: RunOptions): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'slow-poetry-bench-'));
  const timeFile = join(dir, 'time.txt');
  const started = performance.now();
  // detached: a group of its own, so a hung run is killed with every process in it.
  const child = spawn('/usr/bin/time', ['-f', '%U %S %M', '-o', timeFile, process.execPath, ...clientCommand(client, addresses, options)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
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
  const code = await new Promise<number | null>((resolve) => child.once('close', (status) => resolve(status)));
  clearTimeout(deadline);
  const wallMs = performance.now() - started;

  let cpuSeconds = NaN;
  let maxRssKb = NaN;
  try {
    // /usr/bin/time may write "Command exited with non-zero status N" first.
    const last = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1) ?? '';
    const [user, system, rss] = last.split(' ').map(Number);
    cpuSeconds = user! + system!;
    maxRssKb = rss!;
  } catch {
    // killed before time could write
  }
  rmSync(dir, { recursive: true, force: true });

  const text = Buffer.concat(stdout).toString('utf8');
  const firstError = stderr.split('\n').find((line) => line.trim() !== '' && !line.startsWith('Command ')) ?? '';
  const base = { code, hung, wallMs, cpuSeconds, maxRssKb, stderr: firstError };
  return client.stage === undefined ? { ...base, ...parseFloor(text) } : { ...base, ...parseStage(text) };
}

type Said = Pick<RunResult, 'ms' | 'poems' | 'failed' | 'bytes' | 'reasons'>;

function parseFloor(text: string): Said {
  const line = text.split('\n').find((l) => l.startsWith('{'));
  if (line === undefined) return { ms: undefined, poems: 0, failed: 0, bytes: 0, reasons: {} };
  const result = JSON.parse(line) as FloorResult;
  return { ms: result.ms, poems: result.done, failed: result.failed, bytes: result.bytes, reasons: result.errors };
}

/** Read the report lines every stage prints (see @slow-poetry/shared's report). */
export function parseStage(text: string): Said {
  const said: Said = { ms: undefined, poems: 0, failed: 0, bytes: 0, reasons: {} };
  // The concurrent stages end with `Task N: B bytes of poetry`; the blocking one says
  // `Task N: got B bytes of poetry from … in …` after each poem. Count one kind only.
  let gotPoemBytes = 0;
  for (const line of text.split('\n')) {
    let match = /^Got (\d+) poems? in (\d+):(\d\d):(\d\d(?:\.\d+)?)(?:; (\d+) tasks? failed)?$/.exec(line);
    if (match) {
      said.poems = Number(match[1]);
      said.ms = (Number(match[2]) * 3600 + Number(match[3]) * 60 + Number(match[4])) * 1000;
      said.failed = Number(match[5] ?? 0);
      continue;
    }
    match = /^Task \d+: (\d+) bytes of poetry$/.exec(line);
    if (match) {
      said.bytes += Number(match[1]);
      continue;
    }
    match = /^Task \d+: got (\d+) bytes of poetry from \S+ in /.exec(line);
    if (match) {
      gotPoemBytes += Number(match[1]);
      continue;
    }
    match = /^Task \d+: failed to get poetry from \S+(?: after \d+ bytes)?: (.*)$/.exec(line);
    if (match) said.reasons[match[1]!] = (said.reasons[match[1]!] ?? 0) + 1;
  }
  if (said.bytes === 0) said.bytes = gotPoemBytes;
  return said;
}

/** `12 × connection refused (ECONNREFUSED); 3 × timed out (ETIMEDOUT)` */
export function describeReasons(reasons: Record<string, number>): string {
  return Object.entries(reasons)
    .map(([reason, count]) => `${count} × ${reason}`)
    .join('; ');
}
