// The Future and the runner, on their own: no sockets, only the order in which
// things happen. Each test is one claim of future.ts, run.ts or the README.
import { describe, expect, it } from 'vitest';

import { Future } from '../src/future.js';
import { cancelledError, run, Task, type Coroutine } from '../src/run.js';

/** A future that has already settled with `value`. */
function settledWith<T>(value: T): Future<T> {
  const future = new Future<T>();
  future.resolve(value);
  return future;
}

/** What the task settled with, as a promise (for the tests to await). */
function outcomeOf<T>(task: Future<T>): Promise<{ value: T } | { error: unknown }> {
  return new Promise((resolve) =>
    task.whenDone(
      (value) => resolve({ value }),
      (error) => resolve({ error }),
    ),
  );
}

describe('a Future', () => {
  it('settles once: a second resolve or reject changes nothing', () => {
    const seen: string[] = [];
    const future = new Future<string>();
    future.whenDone(
      (value) => seen.push(`value ${value}`),
      (error) => seen.push(`error ${String(error)}`),
    );
    expect(future.settled).toBe(false);
    future.resolve('first');
    future.resolve('second');
    future.reject('third');
    expect(seen).toEqual(['value first']);
    expect(future.settled).toBe(true);
  });

  it('calls a callback added after it settled, at once, with the same outcome', () => {
    const future = new Future<number>((_resolve, reject) => reject(new Error('refused')));
    const seen: string[] = [];
    future.whenDone(
      () => seen.push('value'),
      (error) => seen.push((error as Error).message),
    );
    expect(seen).toEqual(['refused']);
  });

  it('calls every waiting callback, in the order they were added, from inside resolve()', () => {
    const seen: number[] = [];
    const future = new Future<number>();
    future.whenDone(
      (value) => seen.push(value * 1),
      () => {},
    );
    future.whenDone(
      (value) => seen.push(value * 2),
      () => {},
    );
    future.resolve(21);
    expect(seen).toEqual([21, 42]); // synchronously: a Future adds no delay of its own; the runner does
  });
});

describe('run(), the runner', () => {
  it('runs the body at once up to its first yield, and no further, before run() returns', () => {
    const seen: string[] = [];
    const waitFor = new Future<void>();
    function* body(): Coroutine<void> {
      seen.push('before the yield');
      yield waitFor;
      seen.push('after the yield');
    }
    const generator = body();
    expect(seen).toEqual([]); // calling a generator function runs nothing
    run(generator);
    seen.push('run() returned');
    expect(seen).toEqual(['before the yield', 'run() returned']);
  });

  it('resumes the body from a microtask, never inside the code that settled the future', async () => {
    const seen: string[] = [];
    const waitFor = new Future<string>();
    run(
      (function* (): Coroutine<void> {
        seen.push(`resumed with ${(yield waitFor) as string}`);
      })(),
    );
    waitFor.resolve('the value');
    seen.push('resolve() returned');
    queueMicrotask(() => seen.push('a microtask queued after resolve()'));
    expect(seen).toEqual(['resolve() returned']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual(['resolve() returned', 'resumed with the value', 'a microtask queued after resolve()']);
  });

  it('waits a microtask even for a future that has already settled, as await does for a resolved promise', async () => {
    const seen: string[] = [];
    run(
      (function* (): Coroutine<void> {
        seen.push('coroutine: before');
        yield settledWith(1);
        seen.push('coroutine: after');
      })(),
    );
    void (async () => {
      seen.push('async function: before');
      await Promise.resolve(1);
      seen.push('async function: after');
    })();
    queueMicrotask(() => seen.push('queueMicrotask'));
    seen.push('the synchronous code ends');
    await new Promise((resolve) => setImmediate(resolve));
    // Both run to their pause at once, both come back from the same microtask queue, in the order they paused.
    expect(seen).toEqual([
      'coroutine: before',
      'async function: before',
      'the synchronous code ends',
      'coroutine: after',
      'async function: after',
      'queueMicrotask',
    ]);
  });

  it('gives each yield the value of its future, and the task the value the body returns', async () => {
    function* add(): Coroutine<number> {
      const a = (yield settledWith(20)) as number;
      const b = (yield settledWith(22)) as number;
      return a + b;
    }
    expect(await outcomeOf(run(add()))).toEqual({ value: 42 });
  });

  it("throws a failed future's error at the yield, where the body's try/catch/finally handle it", async () => {
    const seen: string[] = [];
    const refused = new Future<void>((_resolve, reject) => reject(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })));
    function* body(): Coroutine<string> {
      try {
        yield refused;
        return 'not reached';
      } catch (err) {
        seen.push(`caught ${(err as { code: string }).code}`);
        return 'recovered';
      } finally {
        seen.push('finally');
      }
    }
    expect(await outcomeOf(run(body()))).toEqual({ value: 'recovered' });
    expect(seen).toEqual(['caught ECONNREFUSED', 'finally']);
  });

  it('fails the task with what the body throws, or lets through', async () => {
    function* body(): Coroutine<void> {
      yield new Future<void>((_resolve, reject) => reject(new Error('reset')));
    }
    const outcome = await outcomeOf(run(body()));
    expect('error' in outcome && (outcome.error as Error).message).toBe('reset');
  });

  it('lets a coroutine wait for another: a Task is a Future', async () => {
    function* inner(): Coroutine<string> {
      yield settledWith(undefined);
      return 'inner done';
    }
    function* outer(): Coroutine<string> {
      const got = (yield run(inner())) as string;
      return `outer got: ${got}`;
    }
    expect(await outcomeOf(run(outer()))).toEqual({ value: 'outer got: inner done' });
  });
});

describe('Task.cancel()', () => {
  it('throws a CancelledError in at the yield: the finally block runs and the task fails with ECANCELLED', async () => {
    const seen: string[] = [];
    const never = new Future<void>();
    function* body(): Coroutine<void> {
      try {
        yield never;
        seen.push('not reached');
      } finally {
        seen.push('finally ran');
      }
    }
    const task = run(body());
    task.cancel();
    const outcome = await outcomeOf(task);
    expect(seen).toEqual(['finally ran']);
    expect('error' in outcome && outcome.error).toMatchObject({ name: 'CancelledError', code: 'ECANCELLED' });
  });

  it('ignores what the abandoned future brings later, even one that settled just before the cancel', async () => {
    const seen: string[] = [];
    const waitFor = new Future<string>();
    function* body(): Coroutine<void> {
      try {
        seen.push(`got ${(yield waitFor) as string}`);
      } catch (err) {
        seen.push(`caught ${(err as Error).name}`);
      }
    }
    const task = run(body());
    waitFor.resolve('a chunk'); // the body's resumption is queued…
    task.cancel(); // …and the cancel comes before it runs
    await outcomeOf(task);
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual(['caught CancelledError']);
  });

  it('cancels the task it waits for too, so that both finally blocks run, innermost first', async () => {
    const seen: string[] = [];
    function* inner(): Coroutine<void> {
      try {
        yield new Future<void>();
      } finally {
        seen.push('inner finally');
      }
    }
    function* outer(): Coroutine<void> {
      try {
        yield run(inner());
      } finally {
        seen.push('outer finally');
      }
    }
    const task = run(outer());
    task.cancel();
    await outcomeOf(task);
    expect(seen).toEqual(['inner finally', 'outer finally']);
  });

  it('waits for the next yield when asked while the body runs (from inside it)', async () => {
    const seen: string[] = [];
    function* body(): Coroutine<string> {
      yield settledWith(undefined);
      self.cancel(); // the body is what runs now: there is no yield to throw at yet
      seen.push('carried on to the next yield');
      try {
        yield settledWith(undefined);
        return 'not reached';
      } finally {
        seen.push('finally ran');
      }
    }
    const self: Task<string> = run(body()); // the body reaches `self` only after its first yield
    const outcome = await outcomeOf(self);
    expect(seen).toEqual(['carried on to the next yield', 'finally ran']);
    expect('error' in outcome && outcome.error).toMatchObject({
      name: 'CancelledError',
      code: 'ECANCELLED',
      message: 'cancelled',
    });
  });

  it('does nothing to a task that is over', async () => {
    function* body(): Coroutine<string> {
      yield settledWith(undefined);
      return 'done';
    }
    const task = run(body());
    await outcomeOf(task);
    task.cancel();
    expect(await outcomeOf(task)).toEqual({ value: 'done' });
    expect(cancelledError()).toMatchObject({ name: 'CancelledError', code: 'ECANCELLED' });
  });
});
