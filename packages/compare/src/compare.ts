// The comparison itself: start the slow servers, run each stage's client against
// them one after another (never two at once, so that no run slows another), and
// gather what each did into one result that the text report, the SVG figures
// and --json all draw from.
import { availableParallelism, loadavg } from 'node:os';
import { relative } from 'node:path';

import { checkTimerSeconds, UsageError } from '@slow-poetry/cli-kit';
import type { SlowServer } from '@slow-poetry/slow-server';
import { stageLabel } from '@slow-poetry/test-kit/stages';

import { runStage, type StageRun } from './run-stage.js';
import { idealMs, planServers, startServers, type ServerPlan, type ServerSettings } from './servers.js';
import { defaultPackagesDir, stagesToCompare, type StageInfo } from './stages.js';

export interface CompareOptions extends ServerSettings {
  /** Stage numbers to run. Default: every stage found. */
  stages?: number[];
  /** Where to look for stage packages. Default: the repository's packages/. */
  packagesDir?: string;
  progress?: ProgressSink;
}

/** Told what happens while the comparison runs, for a live display. */
export interface ProgressSink {
  skipped(stage: StageInfo, note: string): void;
  started(stage: StageInfo, tasks: Array<{ label: string; expectedBytes: number }>): void;
  /** A server sent `bytes` more bytes to task `task` (1-based) of the running stage. */
  bytes(task: number, bytes: number): void;
  finished(stage: StageInfo, result: StageResult): void;
}

export interface ServerResult {
  poem: string;
  address: string;
  bytes: number;
  numBytes: number;
  chunks: number;
  delayMs: number;
  /** The server's own schedule for one download: (chunks − 1) × delay. */
  idealMs: number;
}

export interface StageResult {
  stage: number;
  title: string;
  /** The package folder, relative to the packages folder. */
  dir: string;
  bin: string;
  concurrent: boolean;
  returns: string;
  /** `getPoetry(…): …`, one per overload, from the package's dist/get-poetry.d.ts. */
  signature: string[];
  status: 'ran' | 'skipped';
  note?: string;
  /** Sum of the servers' ideals for a sequential client, the largest for a concurrent one. */
  idealMs: number;
  ideal: 'sum' | 'max';
  run?: StageRun;
  /** run.totalMs / idealMs */
  ratio?: number;
  /** Ran, and every task got its poem whole. */
  ok: boolean;
  /** One line per failed task (or for a run that went wrong). */
  failures: string[];
}

export interface Comparison {
  version: 1;
  speed: number;
  servers: ServerResult[];
  /** What 'total' means. */
  totalMeasuredBy: string;
  stages: StageResult[];
  /** The longest total over all stages: the shared time axis of the timelines. */
  axisMs: number;
  /**
   * The machine's one-minute load average before and after the run, and its
   * processors: on a busy machine other programs' work shows up as lateness.
   */
  machine: { cpus: number; loadBefore: number; loadAfter: number };
  /** Every stage that was asked for ran and got every poem whole. */
  ok: boolean;
  failures: string[];
}

export const totalMeasuredBy =
  "each client's own result record: from its start to the end of its last task (Node's start-up is not counted)";

export async function compare(options: CompareOptions = {}): Promise<Comparison> {
  const packagesDir = options.packagesDir ?? defaultPackagesDir;
  const chosen = chooseStages(stagesToCompare(packagesDir), options.stages);
  const plans = planServers(options);
  const ideals = plans.map(idealMs);
  const schedule = { sum: ideals.reduce((a, b) => a + b, 0), max: Math.max(0, ...ideals) };
  // Generous: a client may be slow, but one that hangs must not hang the comparison.
  // Three times the whole schedule, which must fit in a timer too.
  const deadlineMs = 3 * schedule.sum + 20_000;
  checkTimerSeconds(
    "each client's deadline (three times the servers' schedule)",
    deadlineMs / 1000,
    `${Math.round(deadlineMs / 1000)} seconds`,
  );
  const loadBefore = loadavg()[0]!;

  const servers = await startServers(plans);
  const targets = servers.map((server, i) => ({ address: `${server.host}:${server.port}`, plan: plans[i]! }));
  const results: StageResult[] = [];
  try {
    const run = runner(servers, targets, deadlineMs, options.progress);
    for (const stage of chosen) results.push(await run(stage, baseResult(stage, packagesDir, schedule)));
  } finally {
    await Promise.all(servers.map((server) => server.close()));
  }
  return summarize(results, targets, ideals, options.speed ?? 1, loadBefore);
}

/** A stage's result before it runs: what it is, and the ideal it is measured against. */
function baseResult(stage: StageInfo, packagesDir: string, schedule: { sum: number; max: number }): StageResult {
  return {
    stage: stage.stage,
    title: stage.title,
    dir: relative(packagesDir, stage.dir),
    bin: stage.bin,
    concurrent: stage.concurrent,
    returns: stage.returns,
    signature: stage.signature,
    status: 'skipped',
    idealMs: stage.concurrent ? schedule.max : schedule.sum,
    ideal: stage.concurrent ? 'max' : 'sum',
    ok: false,
    failures: [],
  };
}

/**
 * Runs one stage at a time against the servers, telling the live display what
 * happens; a stage that cannot run is skipped with its note.
 */
function runner(
  servers: SlowServer[],
  targets: Array<{ address: string; plan: ServerPlan }>,
  deadlineMs: number,
  progress: ProgressSink | undefined,
): (stage: StageInfo, base: StageResult) => Promise<StageResult> {
  const downloads = targets.map(({ plan }) => ({ label: plan.poem, expectedBytes: plan.bytes.byteLength }));
  // The live display counts what the servers send while a stage runs (not a late byte after it).
  let running = false;
  servers.forEach((server, i) =>
    server.on('chunk', (_client, bytes) => {
      if (running) progress?.bytes(i + 1, bytes);
    }),
  );
  return async (stage, base) => {
    if (stage.skip !== undefined) {
      progress?.skipped(stage, stage.skip);
      return { ...base, note: stage.skip };
    }
    progress?.started(stage, downloads);
    running = true;
    const run = await runStage(stage, targets, { deadlineMs });
    running = false;
    await settle(servers);
    const result: StageResult = { ...base, status: 'ran', run, ratio: base.idealMs > 0 ? run.totalMs / base.idealMs : 1 };
    result.failures = failuresOf(stage, run);
    result.ok = result.failures.length === 0;
    progress?.finished(stage, result);
    return result;
  };
}

/** One line per thing that went wrong in a stage's run: the run itself, then each task whose poem is not whole. */
function failuresOf(stage: StageInfo, run: StageRun): string[] {
  const name = stageLabel(stage);
  const said = lastLine(run.stderr);
  const failures: string[] = [];
  if (run.problem !== undefined) failures.push(`${name}: ${run.problem}${said ? `: ${said}` : ''}`);
  for (const task of run.tasks) {
    if (!task.whole) failures.push(`${name}, task ${task.task} (${task.poem} from ${task.address}): ${task.error}`);
  }
  return failures;
}

/** The whole comparison, from every stage's result. */
function summarize(
  results: StageResult[],
  targets: Array<{ address: string; plan: ServerPlan }>,
  ideals: number[],
  speed: number,
  loadBefore: number,
): Comparison {
  const ran = results.filter((r) => r.status === 'ran');
  const failures = results.flatMap((r) => r.failures);
  if (ran.length === 0) failures.push('no stage could run (see the notes above)');
  return {
    version: 1,
    speed,
    servers: targets.map(({ address, plan }, i) => ({
      poem: plan.poem,
      address,
      bytes: plan.bytes.byteLength,
      numBytes: plan.numBytes,
      chunks: Math.ceil(plan.bytes.byteLength / plan.numBytes),
      delayMs: plan.delay * 1000,
      idealMs: ideals[i]!,
    })),
    totalMeasuredBy,
    machine: { cpus: availableParallelism(), loadBefore, loadAfter: loadavg()[0]! },
    stages: results,
    axisMs: Math.max(0, ...ran.map((r) => r.run?.totalMs ?? 0)),
    ok: failures.length === 0,
    failures,
  };
}

function chooseStages(found: StageInfo[], wanted: number[] | undefined): StageInfo[] {
  if (wanted === undefined) return found;
  const known = found.filter((s) => !Number.isNaN(s.stage)).map((s) => s.stage);
  for (const n of wanted) {
    if (!known.includes(n)) throw new UsageError(`--stages: there is no stage ${n} (found: ${known.join(', ') || 'none'})`);
  }
  return found.filter((s) => wanted.includes(s.stage));
}

/** Wait (briefly) until the last client's connections are gone, so the next stage starts on idle servers. */
async function settle(servers: Array<{ connections: number }>): Promise<void> {
  for (let i = 0; i < 50 && servers.some((s) => s.connections > 0); i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The client's last word on stderr, leaving out Node's own warnings. */
function lastLine(text: string): string {
  const lines = text.split('\n').filter((line) => line.trim() !== '' && !/^\((node:\d+|Use `node)/.test(line));
  return lines.at(-1) ?? '';
}
