// The bookkeeping around a client's run that is the same in every stage: one
// record per task (bytes so far, timing, outcome), the trace, the --out files,
// the event-loop probe, the lines on stdout, the result record and the exit
// status. What differs between stages — how the bytes arrive — stays in each
// stage's own code.
import { exitStatus, statusFor, type StopSignal } from '@slow-poetry/cli-kit';

import { formatAddress, type Address } from './address.js';
import type { ClientArgs } from './client-args.js';
import { monotonicMs } from './duration.js';
import { describeError, interruptedError } from './errors.js';
import { startLoopProbe, type LoopProbe, type LoopStats } from './loop-probe.js';
import { OutFolder } from './out-folder.js';
import type { ClientResult, TaskResult } from './result.js';
import { Trace } from './trace.js';

export type TaskStatus = 'waiting' | 'connected' | 'done' | 'failed' | 'cancelled';

export class TaskRecord {
  status: TaskStatus = 'waiting';
  /** Bytes received so far (counted from chunk() or, failing that, from done()). */
  bytes = 0;
  error: unknown;
  /** Why it failed, in one line (with what became of its bytes, when they could not be saved). */
  reason = '';
  startedAt: number;
  endedAt: number | undefined;
  /** `127.0.0.1:10000` */
  readonly label: string;

  constructor(
    /** 1, 2, 3… in the order of the addresses on the command line. */
    readonly id: number,
    readonly address: Address,
    private readonly session: Session,
  ) {
    this.label = formatAddress(address);
    this.startedAt = monotonicMs();
  }

  /** For a client that runs tasks one after another: this task starts now. */
  start(): void {
    this.startedAt = monotonicMs();
  }

  /** A retry starts the poem again from its first byte: count from zero. */
  restart(): void {
    this.bytes = 0;
  }

  connected(): void {
    this.status = 'connected';
    this.session.trace.write({ event: 'connected', task: this.id });
  }

  chunk(bytes: number): void {
    this.bytes += bytes;
    this.session.trace.write({ event: 'chunk', task: this.id, bytes });
  }

  /**
   * The poem arrived whole (the server closed the connection after its last
   * byte). With --out it is saved first: a poem that could not be saved makes
   * the task fail instead. Check `status` afterwards.
   */
  done(poem: Uint8Array): void {
    if (this.isOver()) return;
    try {
      this.session.out?.savePoem(this.id, poem);
    } catch (error) {
      this.bytes = poem.byteLength;
      this.fail(error);
      return;
    }
    this.bytes = poem.byteLength;
    this.status = 'done';
    this.endedAt = monotonicMs();
    this.session.trace.write({ event: 'done', task: this.id, bytes: this.bytes });
  }

  /** The task failed. `partial`: the bytes that did arrive, saved apart from whole poems. */
  failed(error: unknown, partial?: Uint8Array): void {
    if (this.isOver()) return;
    this.end('failed', error, partial);
  }

  /**
   * The task was cancelled because of something else (another task failed,
   * with --fail-fast): not a failure of its own. `because` says why, in words.
   */
  cancelled(because: string, partial?: Uint8Array): void {
    if (this.isOver()) return;
    this.end('cancelled', because, partial);
  }

  private end(status: 'failed' | 'cancelled', error: unknown, partial?: Uint8Array): void {
    if (partial !== undefined) this.bytes = partial.byteLength;
    let lost = '';
    if (partial !== undefined && partial.byteLength > 0) {
      try {
        this.session.out?.savePartial(this.id, partial);
      } catch (saveError) {
        // The task is over already; a partial that cannot be saved is noted, and the run goes on.
        lost = `; its ${partial.byteLength} bytes were not saved: ${describeError(saveError)}`;
      }
    }
    this.fail(error, lost, status);
  }

  private fail(error: unknown, lost = '', status: 'failed' | 'cancelled' = 'failed'): void {
    this.status = status;
    this.error = error;
    this.reason = describeError(error) + lost;
    this.endedAt = monotonicMs();
    const { id: task, bytes, reason } = this;
    this.session.trace.write(
      status === 'failed'
        ? { event: 'failed', task, bytes, error: reason }
        : { event: 'cancelled', task, bytes, because: reason },
    );
  }

  isOver(): boolean {
    return this.status === 'done' || this.status === 'failed' || this.status === 'cancelled';
  }

  elapsedMs(): number {
    return (this.endedAt ?? monotonicMs()) - this.startedAt;
  }
}

export class Session {
  readonly tasks: TaskRecord[];
  readonly trace: Trace;
  /** The --out folder, if one was given. */
  readonly out: OutFolder | undefined;
  readonly startedAt = monotonicMs();
  /** The signal that stopped the run, if one did. */
  stoppedBy: StopSignal | undefined;
  private readonly probe: LoopProbe;
  private loopStats: LoopStats | undefined;

  constructor(
    /** The stage's short name, e.g. 'blocking'. */
    readonly stage: string,
    readonly args: ClientArgs,
  ) {
    this.out = args.out === undefined ? undefined : new OutFolder(args.out, args.addresses.length);
    this.trace = new Trace(args.trace);
    this.tasks = args.addresses.map((address, i) => new TaskRecord(i + 1, address, this));
    // Stamped with the run's start: every time in the result record counts from the same instant.
    this.trace.write({ event: 'start', stage, pid: process.pid, tasks: this.tasks.map((t) => t.label) }, this.startedAt);
    this.probe = startLoopProbe();
    endAtExit(this);
  }

  /**
   * Write lines once per turn of the event loop instead of once each (set by the
   * report of a client on the event loop): 10,000 quiet downloads print 20,000
   * lines, and a write per line was a system call per line.
   */
  deferLines = false;
  private pendingLines = '';

  /** A line for the reader (nothing with --json, which keeps stdout for the result). */
  say(line: string): void {
    if (this.args.json) return;
    if (!this.deferLines) {
      process.stdout.write(`${line}\n`);
      return;
    }
    if (this.pendingLines === '') setImmediate(this.flushLines);
    this.pendingLines += `${line}\n`;
  }

  /** Write the lines said so far, now. */
  readonly flushLines = (): void => {
    if (this.pendingLines === '') return;
    const text = this.pendingLines;
    this.pendingLines = '';
    process.stdout.write(text);
  };

  elapsedMs(): number {
    return monotonicMs() - this.startedAt;
  }

  get poems(): number {
    return this.tasks.filter((task) => task.status === 'done').length;
  }

  get failures(): number {
    return this.tasks.filter((task) => task.status === 'failed').length;
  }

  /** The tasks cancelled because another one failed (--fail-fast). */
  get cancellations(): TaskRecord[] {
    return this.tasks.filter((task) => task.status === 'cancelled');
  }

  /**
   * A signal asked the run to stop: mark every unfinished task as interrupted
   * (with the bytes it got so far), and make the exit status the signal's.
   * Returns the tasks it marked.
   */
  stop(signal: StopSignal, partials: Map<number, Uint8Array> = new Map()): TaskRecord[] {
    this.stoppedBy ??= signal;
    const cut = this.tasks.filter((task) => !task.isOver());
    for (const task of cut) task.failed(interruptedError(signal), partials.get(task.id));
    return cut;
  }

  /** The run as a record: what --json prints and the trace's last line holds. */
  result(status = this.exitStatus()): ClientResult {
    const reasons: Record<string, number> = {};
    let bytes = 0;
    let lastEnd = this.startedAt;
    const tasks = this.tasks.map((task): TaskResult => {
      bytes += task.bytes;
      const entry: TaskResult = { task: task.id, address: task.label, status: task.status, bytes: task.bytes };
      if (task.endedAt !== undefined) {
        lastEnd = Math.max(lastEnd, task.endedAt);
        entry.ms = round(task.endedAt - this.startedAt);
      }
      if (task.status === 'failed' || task.status === 'cancelled') {
        entry.error = task.reason;
        if (task.status === 'failed') reasons[task.reason] = (reasons[task.reason] ?? 0) + 1;
      }
      return entry;
    });
    this.loopStats ??= this.probe.stop();
    return {
      stage: this.stage,
      status,
      ms: round(lastEnd - this.startedAt),
      poems: this.poems,
      failed: this.failures,
      cancelled: this.cancellations.length,
      bytes,
      reasons,
      tasks,
      loop: this.loopStats,
    };
  }

  /** 0 when every poem arrived whole, the signal's status when one stopped the run, else 1. */
  exitStatus(): number {
    if (this.stoppedBy !== undefined) return statusFor(this.stoppedBy);
    return this.tasks.every((task) => task.status === 'done') ? exitStatus.ok : exitStatus.failed;
  }

  /** End the run: the trace's last line, the result with --json; returns the exit status. */
  finish(): number {
    this.flushLines();
    const status = this.exitStatus();
    const result = this.end(status);
    if (this.args.json) process.stdout.write(JSON.stringify(result) + '\n');
    return status;
  }

  /** @internal The trace's last line, once, whichever way the run ends. */
  end(status: number): ClientResult {
    unfinished.delete(this);
    this.flushLines();
    const result = this.result(status);
    this.trace.write({ event: 'end', result });
    this.trace.close();
    return result;
  }
}

const round = (ms: number): number => Number(ms.toFixed(3));

// However the process ends before finish() — process.exit, a crash that runMain
// reports — each unfinished session still writes its trace's last line, with the
// status the process exits with. (A signal's default action ends the process with
// no 'exit' event at all; the events before it are in the trace even so.)
const unfinished = new Set<Session>();
let watchingExit = false;

function endAtExit(session: Session): void {
  if (!watchingExit) {
    watchingExit = true;
    process.once('exit', (code) => {
      for (const open of [...unfinished]) open.end(code);
    });
  }
  unfinished.add(session);
}
