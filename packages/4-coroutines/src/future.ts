// A Future: a value that is not there yet. It is stage 3's callback turned into
// an object: instead of handing getPoetry the code to run when the poem arrives,
// we get back a thing that stands for the poem, and whoever holds it says what
// to do when it settles (whenDone). It settles once, with a value or an error;
// whatever tries to settle it again is ignored: stage 3's `called` guard, built in.
//
// Twisted calls it a Deferred (d.addCallbacks(gotPoem, poemFailed)), asyncio a
// Future (the crawler of 500 Lines or Less builds one in a dozen lines), and
// JavaScript a Promise: stage 5's Promise is this class built into the language,
// with `then` returning a new promise so that steps can be chained.
type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

export class Future<T> {
  private outcome: Outcome<T> | undefined;
  private readonly waiting: Array<{ onValue(value: T): void; onError(error: unknown): void }> = [];

  /** Like `new Promise(...)`: `start` gets the two ways to settle it. Or settle it later with resolve()/reject(). */
  constructor(start?: (resolve: (value: T) => void, reject: (error: unknown) => void) => void) {
    start?.(
      (value) => this.resolve(value),
      (error) => this.reject(error),
    );
  }

  /** Call `onValue` or `onError` once, when the future settles (right away if it has). */
  whenDone(onValue: (value: T) => void, onError: (error: unknown) => void): void {
    if (this.outcome === undefined) this.waiting.push({ onValue, onError });
    else if (this.outcome.ok) onValue(this.outcome.value);
    else onError(this.outcome.error);
  }

  resolve(value: T): void {
    this.settle({ ok: true, value });
  }

  reject(error: unknown): void {
    this.settle({ ok: false, error });
  }

  get settled(): boolean {
    return this.outcome !== undefined;
  }

  private settle(outcome: Outcome<T>): void {
    if (this.outcome !== undefined) return; // settled already: a second outcome changes nothing
    this.outcome = outcome;
    for (const { onValue, onError } of this.waiting.splice(0)) {
      if (outcome.ok) onValue(outcome.value);
      else onError(outcome.error);
    }
  }
}
