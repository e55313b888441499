// Running one stage's client in a process of its own and reading back what it
// did. Its own process, because stages 1 and 2 stop their thread while they
// wait: in this process they would stop the servers too, and their timing would
// mix with everything else here.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { monotonicMs, parseTrace, type LoopStats, type TraceLine } from '@slow-poetry/shared';

import type { StageInfo } from './stages.js';
import type { ServerPlan } from './servers.js';

export interface TaskResult {
  /** 1, 2, 3… in the order of the addresses. */
  task: number;
  address: string;
  poem: string;
  expectedBytes: number;
  status: 'done' | 'failed' | 'missing';
  /** Bytes the client reported. */
  bytes: number;
  /** Done, and the saved poem matches the server's byte for byte. */
  whole: boolean;
  /** Milliseconds after the client's start line. */
  connectedMs?: number;
  endMs?: number;
  /** [ms after the start line, bytes] for every read. */
  chunks: Array<[number, number]>;
  error?: string;
}

export interface StageRun {
  /** From the client's own start line to its last done/failed line (its trace, its clock). */
  totalMs: number;
  /** From spawning the process to its exit (this process's clock): adds Node's start-up. */
  processMs: number;
  /** How long the client's start line came after the spawn. */
  startupMs: number;
  exitCode: number | null;
  signal: string | null;
  /** Node's event-loop delay inside the client while it ran (the trace's end line). */
  loop?: LoopStats;
  tasks: TaskResult[];
  /** Something went wrong with the run itself (no trace, killed…). */
  problem?: string;
  /** The client's stderr, when it wrote any. */
  stderr: string;
}

export interface RunOptions {
  /** Kill the client after this many ms. */
  deadlineMs: number;
}

/** Clients running now and their scratch folders, for Ctrl-C. */
const live = new Map<string, ChildProcess>();

/**
 * Ctrl-C: stop any client still running (a terminal sends it SIGINT too, but
 * `kill -INT` sends it to compare alone) and remove the scratch folders.
 */
export function stopRunningStages(): void {
  for (const [work, child] of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  }
  live.clear();
}

export async function runStage(
  stage: StageInfo,
  servers: Array<{ address: string; plan: ServerPlan }>,
  options: RunOptions,
): Promise<StageRun> {
  const work = mkdtempSync(join(tmpdir(), 'slow-poetry-compare-'));
  const tracePath = join(work, 'trace.jsonl');
  const outDir = join(work, 'out');
  const args = [stage.launcher, '--trace', tracePath, '--out', outDir, '--quiet', ...servers.map((s) => s.address)];
  try {
    const spawnedAt = monotonicMs();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    live.set(work, child);
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      if (stderr.length < 10_000) stderr += text;
    });
    let killedForTime = false;
    const deadline = setTimeout(() => {
      killedForTime = true;
      child.kill('SIGKILL'); // a blocked thread runs no signal handler: don't wait for one
    }, options.deadlineMs);
    const { code, signal } = await new Promise<{ code: number | null; signal: string | null }>((resolve) => {
      child.once('error', (error) => {
        stderr += error.message;
        resolve({ code: null, signal: null });
      });
      child.once('close', (code, signal) => resolve({ code, signal }));
    });
    clearTimeout(deadline);
    const exitedAt = monotonicMs();

    let lines: TraceLine[] = [];
    let problem: string | undefined;
    try {
      lines = parseTrace(readFileSync(tracePath, 'utf8'));
    } catch (error) {
      problem = `no readable trace (${(error as Error).message.split('\n')[0]})`;
    }
    const run = readTrace(lines, servers, outDir);
    if (killedForTime) problem = `killed after ${(options.deadlineMs / 1000).toFixed(1)} s`;
    else if (run.startAt === undefined && problem === undefined) problem = 'the trace has no start line';
    else if (run.loop === undefined && problem === undefined) problem = 'the trace has no end line (did the client crash?)';
    else if (problem === undefined && signal !== null) problem = `ended by ${signal}`;
    // 0 and 1 are a client's answers (every poem, or not); anything else is the client failing.
    else if (problem === undefined && code !== 0 && code !== 1) problem = `exited with status ${code}`;
    const result: StageRun = {
      totalMs: run.totalMs,
      processMs: exitedAt - spawnedAt,
      startupMs: run.startAt === undefined ? 0 : run.startAt - spawnedAt,
      exitCode: code,
      signal,
      tasks: run.tasks,
      stderr: stderr.trim(),
    };
    if (run.loop !== undefined) result.loop = run.loop;
    if (problem !== undefined) result.problem = problem;
    return result;
  } finally {
    live.delete(work);
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Turn a client's trace into per-task timelines, with times relative to its start
 * line, and check each poem it saved in `outDir` against the server's. Each
 * task's outcome comes from the run's result record (the trace's last line, the
 * same record `--json` prints and the bench reads); the chunk events only draw
 * the timeline.
 */
export function readTrace(
  lines: TraceLine[],
  servers: Array<{ address: string; plan: ServerPlan }>,
  outDir: string,
): { startAt?: number; totalMs: number; loop?: LoopStats; tasks: TaskResult[] } {
  const start = lines.find((line) => line.event === 'start');
  const end = lines.find((line) => line.event === 'end');
  const t0 = start?.t ?? lines[0]?.t ?? 0;
  const tasks: TaskResult[] = servers.map(({ address, plan }, i) => ({
    task: i + 1,
    address,
    poem: plan.poem,
    expectedBytes: plan.bytes.byteLength,
    status: 'missing',
    bytes: 0,
    whole: false,
    chunks: [],
  }));
  for (const line of lines) {
    if (!('task' in line)) continue;
    const task = tasks[line.task - 1];
    if (task === undefined) continue;
    if (line.event === 'connected') task.connectedMs = line.t - t0;
    else if (line.event === 'chunk') task.chunks.push([line.t - t0, line.bytes]);
  }
  const result = end?.result;
  for (const outcome of result?.tasks ?? []) {
    const task = tasks[outcome.task - 1];
    if (task === undefined || (outcome.status !== 'done' && outcome.status !== 'failed')) continue;
    task.status = outcome.status;
    task.bytes = outcome.bytes;
    if (outcome.ms !== undefined) task.endMs = outcome.ms;
    if (outcome.error !== undefined) task.error = outcome.error;
  }
  for (const [i, task] of tasks.entries()) {
    if (task.status === 'missing') task.error = 'the client never reported this task';
    if (task.status !== 'done') continue;
    const expected = servers[i]!.plan.bytes;
    let saved: Buffer | undefined;
    try {
      saved = readFileSync(join(outDir, `task-${task.task}.txt`));
    } catch {
      saved = undefined;
    }
    task.whole = saved !== undefined && Buffer.compare(saved, expected) === 0;
    if (!task.whole) {
      task.error =
        saved === undefined
          ? 'reported done but saved no poem'
          : `the poem differs from the server's (${saved.byteLength} bytes, expected ${expected.byteLength})`;
    }
  }
  const read: { startAt?: number; totalMs: number; loop?: LoopStats; tasks: TaskResult[] } = { totalMs: result?.ms ?? 0, tasks };
  if (start !== undefined) read.startAt = start.t;
  if (result?.loop !== undefined) read.loop = result.loop;
  return read;
}
