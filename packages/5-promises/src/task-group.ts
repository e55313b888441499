// A task group: one cancellation scope for several tasks, on AbortSignal.
//
// Promise.all rejects at the first failure, but the other tasks go on: a promise
// is only a value, and giving up on it stops nothing. Their sockets stay open,
// their lines keep coming, and nobody is left to say what became of them. A group
// owns its tasks instead. Every task runs with an AbortSignal from the group's one
// Canceller, so cancelling the group cancels all of them (Ctrl-C), and with
// failFast the first failure does it. (Why a Canceller, and not one AbortSignal
// for every task: 10,000 listeners on one signal cost 28 µs a task — see shared's
// canceller.ts and the README.) It also runs at most `concurrency` tasks at a time: the others
// wait their turn, in order, and a task whose turn comes after a cancel never starts.
//
// The caller still waits until every task has settled (Promise.allSettled): after a
// cancel, the others reject with an AbortError as their sockets close, and when the
// wait is over nothing is left running behind its back.
import { abortError, Canceller } from '@slow-poetry/shared';

export interface TaskGroupOptions<Task> {
  /** At most this many tasks at a time (default: Infinity, all at once). */
  concurrency?: number;
  /** Cancel every other task at the first failure. */
  failFast?: boolean;
  /** With failFast: called with the task that failed first, just before the others are cancelled. */
  beforeCancelling?: (first: Task) => void;
}

export class TaskGroup<Task> {
  private readonly canceller = new Canceller();
  /** Tasks holding a turn (running, or about to). */
  private running = 0;
  /** Tasks waiting for a turn, first come, first served. */
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly options: TaskGroupOptions<Task> = {}) {}

  /** Has the group been cancelled? */
  get cancelled(): boolean {
    return this.canceller.aborted;
  }

  /** Cancel the whole group: every running task's signal aborts; no waiting task starts. */
  cancel(): void {
    this.canceller.abort();
  }

  /** Run `work` with the group's signal once it is its turn; settles as `work` does. */
  async run<T>(task: Task, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    await this.turn();
    try {
      if (this.cancelled) throw abortError(); // cancelled while it waited
      return await work(this.canceller.signal());
    } catch (error) {
      if (this.options.failFast === true && !this.cancelled) {
        this.options.beforeCancelling?.(task);
        this.cancel();
      }
      throw error;
    } finally {
      this.release();
    }
  }

  private async turn(): Promise<void> {
    if (this.running < (this.options.concurrency ?? Infinity)) {
      this.running += 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next === undefined) this.running -= 1;
    else next(); // the turn passes straight to the next task in line
  }
}
