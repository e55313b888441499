// What every event-loop client (stages 3, 4 and 5) prints and records while its
// downloads run, whatever model starts them: a line per chunk (unless --quiet),
// a line per finished or failed task, the sizes and the total at the end, and
// what Ctrl-C and a vanished reader (`| head`) do. A stage keeps only its lesson:
// how the downloads start and how it learns that they are all over.
import { report } from './report.js';
import type { Session, TaskRecord } from './session.js';

export class LiveReport {
  /** Each task's chunks as they came (joined only when needed: Ctrl-C, a failure's partial bytes). */
  private readonly arrived: Map<number, Uint8Array[]>;
  private interrupted = false;
  private onSigint: (() => void) | undefined;

  /**
   * Starts watching stdout: a reader that goes away (`| head`) makes it fail
   * with EPIPE, and then nobody is left to tell, so the client leaves quietly.
   */
  constructor(readonly session: Session) {
    this.arrived = new Map(session.tasks.map((task) => [task.id, []]));
    process.stdout.on('error', () => process.exit(session.finish()));
  }

  say(line: string): void {
    process.stdout.write(`${line}\n`);
  }

  /** A retry starts the poem again from its first byte: forget what this task got so far. */
  restart(task: TaskRecord): void {
    this.arrived.set(task.id, []);
  }

  /** The bytes this task got so far, joined once. */
  partial(task: TaskRecord): Uint8Array {
    return Buffer.concat(this.arrived.get(task.id) ?? []);
  }

  chunk(task: TaskRecord, chunk: Uint8Array): void {
    this.arrived.get(task.id)?.push(chunk);
    task.chunk(chunk.byteLength);
    if (!this.session.args.quiet) this.say(report.gotChunk(task.id, chunk.byteLength, task.label));
  }

  done(task: TaskRecord, poem: Uint8Array): void {
    task.done(poem);
    this.say(report.finished(task.id));
  }

  failed(task: TaskRecord, err: unknown): void {
    if (task.isOver()) return; // already marked as interrupted
    task.failed(err, this.partial(task));
    this.say(report.failed(task.id, task.label, err, task.bytes));
  }

  /**
   * Ctrl-C: say what each unfinished task got so far (its bytes go to --out as
   * a partial), and make the run's exit status 130. The caller then cancels
   * its downloads.
   */
  interrupt(): void {
    this.interrupted = true;
    const partials = new Map(this.session.tasks.map((task) => [task.id, this.partial(task)]));
    for (const task of this.session.interrupt(partials)) {
      this.say(report.failed(task.id, task.label, task.error, task.bytes));
    }
  }

  /** On the first Ctrl-C, `interrupt()` and then `cancel()` every download (until `end()`). */
  onCtrlC(cancel: () => void): void {
    this.onSigint = () => {
      this.interrupt();
      cancel();
    };
    process.once('SIGINT', this.onSigint);
  }

  /** Every task is over: print each poem's size and the total; returns the exit status. */
  end(): number {
    if (this.onSigint) process.off('SIGINT', this.onSigint);
    for (const task of this.session.tasks) {
      if (task.status === 'done') this.say(report.poemBytes(task.id, task.bytes));
    }
    this.say(report.summary(this.session.poems, this.session.failures, this.session.elapsedMs()));
    return this.session.finish(this.interrupted);
  }
}
