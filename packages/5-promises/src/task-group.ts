// A task group: one cancellation scope for several tasks, on AbortSignal.
//
// Promise.all rejects at the first failure, but the other tasks go on: a promise
// is only a value, and giving up on it stops nothing. Their sockets stay open,
// their lines keep coming, and nobody is left to say what became of them. A group
// owns its tasks instead. Every task runs with the group's one AbortSignal, so
// cancelling the group cancels all of them (Ctrl-C), and with failFast the first
// failure does it. It also runs at most `concurrency` tasks at a time: the others
// wait their turn, in order, and a task whose turn comes after a cancel never starts.
//
// The caller still waits until every task has settled (Promise.allSettled): after a
// cancel, the others reject with an AbortError as their sockets close, and when the
// wait is over nothing is left running behind its back.
import { abortError } from '@slow-poetry/shared';

export interface TaskGroupOptions<Task> {
  /** At most this many tasks at a time (default: Infinity, all at once). */
  concurrency?: number;
  /** Cancel every other task at the first failure. */
  failFast?: boolean;
  /** With failFast: called with the task that failed first, just before the others are cancelled. */
  beforeCancelling?: (first: Task) => void;
}

export class TaskGroup<Task> {
  private readonly controller = new AbortController();
  /** Tasks holding a turn (running, or about to). */
  private running = 0;
  /** Tasks waiting for a turn, first come, first served. */
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly options: TaskGroupOptions<Task> = {}) {}

  /** The signal every task of the group runs with. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Cancel the whole group: every running task's signal aborts; no waiting task starts. */
  cancel(): void {
    this.controller.abort();
  }

  /** Run `work` with the group's signal once it is its turn; settles as `work` does. */
  async run<T>(task: Task, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    await this.turn();
    try {
      if (this.signal.aborted) throw abortError(this.signal.reason); // cancelled while it waited
      return await work(this.signal);
    } catch (error) {
      if (this.options.failFast === true && !this.signal.aborted) {
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
