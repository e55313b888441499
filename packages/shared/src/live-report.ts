// What every client that downloads all at once (stage 2 onwards) prints and
// records while its downloads run, whatever model starts them: a line per chunk
// (unless --quiet), a line per finished or failed task, the sizes and the total
// at the end, and what a stop signal (Ctrl-C, SIGTERM, SIGHUP) and a vanished
// reader (`| head`) do. A stage keeps only its lesson: how the downloads start
// and how it learns that they are all over.
import { onStopSignal, type StopSignal } from '@slow-poetry/cli-kit';

import { report } from './report.js';
import type { Session, TaskRecord } from './session.js';
import { isCancellation } from './task-group.js';

export class LiveReport {
  /**
   * With --out only: each unfinished task's chunks as they came, joined when a
   * failure or a stop saves them as its partial file. Without --out nothing needs
   * the bytes themselves (the task's record counts them), and the stage's
   * getPoetry keeps its own copy of each poem anyway.
   */
  private readonly arrived = new Map<number, Uint8Array[]>();
  private readonly keepsChunks: boolean;
  private stopListening: (() => void) | undefined;
  /** Set by failFast(): why the other tasks are being cancelled. */
  private cancelling: string | undefined;

  /**
   * Starts watching stdout: a reader that goes away (`| head`) makes it fail
   * with EPIPE, and then nobody is left to tell, so the client leaves quietly.
   * `keepsChunks: false` for a stage that hands over a failed task's bytes itself;
   * `writeEachLine: true` for one that holds its thread (stage 2's loop): lines
   * are otherwise written once per turn of the event loop, which such a stage
   * would not give until its very end.
   */
  constructor(
    readonly session: Session,
    options: { keepsChunks?: boolean; writeEachLine?: boolean } = {},
  ) {
    this.keepsChunks = (options.keepsChunks ?? true) && session.out !== undefined;
    session.deferLines = options.writeEachLine !== true;
    process.stdout.on('error', () => process.exit(session.finish()));
  }

  say(line: string): void {
    this.session.say(line);
  }

  /** A retry starts the poem again from its first byte: forget what this task got so far. */
  restart(task: TaskRecord): void {
    task.restart();
    this.arrived.delete(task.id);
  }

  /** The bytes this task got so far, joined once (with --out; without, only their count is kept). */
  partial(task: TaskRecord): Uint8Array | undefined {
    if (!this.keepsChunks) return undefined;
    return Buffer.concat(this.arrived.get(task.id) ?? []);
  }

  chunk(task: TaskRecord, chunk: Uint8Array): void {
    if (this.keepsChunks) {
      const chunks = this.arrived.get(task.id);
      if (chunks === undefined) this.arrived.set(task.id, [chunk]);
      else chunks.push(chunk);
    }
    task.chunk(chunk.byteLength);
    if (!this.session.args.quiet) this.say(report.gotChunk(task.id, chunk.byteLength, task.label));
  }

  /**
   * The poem arrived whole: saved (with --out) and reported. Returns false if it
   * could not be saved: then the task has failed, and is reported so (its error
   * is `task.error`), and the stage treats it as any other failure — --fail-fast
   * included: a poem that was not saved is not a success.
   */
  done(task: TaskRecord, poem: Uint8Array): boolean {
    if (!task.isOver()) {
      task.done(poem);
      this.arrived.delete(task.id);
      this.say(task.status === 'done' ? report.finished(task.id) : report.failed(task.id, task.label, task.reason, task.bytes));
    }
    return task.status === 'done';
  }

  /**
   * The task failed; `partial` if the stage kept the bytes itself, else those
   * seen through chunk(). A download cancelled after failFast() is reported as
   * cancelled, not as a failure of its own.
   */
  failed(task: TaskRecord, err: unknown, partial: Uint8Array | undefined = this.partial(task)): void {
    if (task.isOver()) return; // already marked as interrupted
    if (this.cancelling !== undefined && isCancellation(err)) return this.cancel(task, partial);
    task.failed(err, partial);
    this.arrived.delete(task.id);
    this.say(report.failed(task.id, task.label, task.reason, task.bytes));
  }

  /**
   * --fail-fast: `first` has failed, and the stage is about to cancel every
   * other download. From now on, those cancellations are reported as such.
   */
  failFast(first: TaskRecord): void {
    this.cancelling ??= `task ${first.id} failed`;
  }

  /** Mark every task that is not over as cancelled (for a stage whose cancelled downloads never report back). */
  cancelUnfinished(): void {
    for (const task of this.session.tasks) if (!task.isOver()) this.cancel(task);
  }

  private cancel(task: TaskRecord, partial: Uint8Array | undefined = this.partial(task)): void {
    task.cancelled(this.cancelling ?? 'cancelled', partial);
    this.arrived.delete(task.id);
    this.say(report.cancelled(task.id, task.label, task.reason, task.bytes));
  }

  /**
   * A stop signal: say what each unfinished task got so far (its bytes go to
   * --out as a partial), and make the run's exit status the signal's. The
   * caller then cancels its downloads.
   */
  stop(signal: StopSignal): void {
    const partials = new Map<number, Uint8Array>();
    for (const task of this.session.tasks) {
      const bytes = task.isOver() ? undefined : this.partial(task);
      if (bytes !== undefined) partials.set(task.id, bytes);
    }
    for (const task of this.session.stop(signal, partials)) {
      this.say(report.failed(task.id, task.label, task.reason, task.bytes));
    }
    this.session.flushLines(); // now: a parent that sent the signal may not wait long (pnpm exec)
  }

  /** On the first stop signal, `stop()` and then `cancel()` every download (until `end()`). */
  onStopSignal(cancel: () => void): void {
    this.stopListening = onStopSignal((signal) => {
      this.stop(signal);
      cancel();
    });
  }

  /** Every task is over: print each poem's size and the total; returns the exit status. */
  end(): number {
    this.stopListening?.();
    for (const task of this.session.tasks) {
      if (task.status === 'done') this.say(report.poemBytes(task.id, task.bytes));
    }
    const result = this.session.result();
    const cancelled = this.session.cancellations.map((task) => task.id);
    this.say(report.summary(result.poems, result.failed, result.ms, cancelled));
    return this.session.finish();
  }
}
