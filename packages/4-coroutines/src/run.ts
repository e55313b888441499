// The runner: what Twisted's @inlineCallbacks, the `co` library and the Task of
// the asyncio crawler in 500 Lines or Less each are, in a few dozen lines.
//
// A coroutine here is a generator that yields Futures. Calling a generator
// function runs none of its body: it returns the body, paused before its first
// line. run() starts it. The body runs up to its first `yield future`, and there
// it is suspended: its local variables and its place in its loops and try
// blocks are kept in the generator object, off the call stack, and the thread
// goes back to whoever called, and from there to the event loop. When the
// future settles, the runner queues a microtask that resumes the body where it
// stopped: next(value) makes the yield give that value; throw(error) makes the
// yield throw that error, so the body's own try/catch/finally handle a refused
// connection as they would any exception. And so on to the next yield, until
// the body returns (the task resolves with what it returned) or throws (the
// task fails with it).
//
// That is what `await` does in stage 5: the engine suspends the async
// function's frame at the await and resumes it from a microtask once the
// promise has settled. async/await is this runner, built into the engine.
import { codedError, type CodedError } from '@slow-poetry/shared';

import { Future } from './future.js';

/** A generator that yields the futures it waits for and returns a T: what run() drives. */
export type Coroutine<T> = Generator<Future<unknown>, T, unknown>;

/** Start `coroutine` now: it runs up to its first yield before run() returns. */
export function run<T>(coroutine: Coroutine<T>): Task<T> {
  return new Task(coroutine);
}

/** A coroutine being run: a Future of what it returns, which can also be cancelled. */
export class Task<T> extends Future<T> {
  /** The future the body is paused on; undefined while the body runs, and once it is over. */
  private waitingOn: Future<unknown> | undefined;
  /** cancel() was called while the body ran: the CancelledError goes in at its next yield. */
  private cancelAsked = false;

  constructor(private readonly coroutine: Coroutine<T>) {
    super();
    this.step(() => coroutine.next());
  }

  /** Run the body from where it is paused to its next yield, or to its end. */
  private step(resume: () => IteratorResult<Future<unknown>, T>): void {
    this.waitingOn = undefined;
    let result: IteratorResult<Future<unknown>, T>;
    try {
      result = resume();
    } catch (error) {
      return this.reject(error); // the body threw (or let a thrown-in error through): the task fails
    }
    if (result.done) return this.resolve(result.value); // the body returned: the task's value
    this.waitFor(result.value); // the body yielded a future: it is paused until that settles
    if (this.cancelAsked) this.cancel();
  }

  private waitFor(future: Future<unknown>): void {
    this.waitingOn = future;
    future.whenDone(
      (value) => this.resumeLater(future, () => this.coroutine.next(value)), // the yield gives the value
      (error) => this.resumeLater(future, () => this.coroutine.throw(error)), // the yield throws the error
    );
  }

  /** From a microtask, never from inside whoever settled the future; and only if the body still waits for it. */
  private resumeLater(future: Future<unknown>, resume: () => IteratorResult<Future<unknown>, T>): void {
    queueMicrotask(() => {
      if (this.waitingOn === future) this.step(resume);
    });
  }

  /**
   * Throw a CancelledError into the body at the yield where it is paused, so
   * that its `finally` blocks run (getPoetry's closes the socket); if it waits
   * for another task, that one is cancelled too. Asked while the body runs (from
   * inside it), the error goes in at its next yield; asked once it is over, nothing happens.
   */
  cancel(): void {
    const paused = this.waitingOn;
    this.cancelAsked = paused === undefined && !this.settled;
    if (paused === undefined) return;
    if (paused instanceof Task) paused.cancel();
    // Swap the future it waits on for one that has failed: whatever `paused` brings later is ignored.
    this.waitFor(new Future((_resolve, reject) => reject(cancelledError())));
  }
}

/** Why a cancelled task failed: Twisted's CancelledError, with the code the clients' reports know. */
export function cancelledError(): CodedError {
  return Object.assign(codedError('ECANCELLED', 'cancelled'), { name: 'CancelledError' });
}
