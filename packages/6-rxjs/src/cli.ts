// get-poetry-rxjs: every download at once on Node's event loop; each one is an
// Observable of its chunks, with timeout and retry as operators.
//
// The event-loop stages share this file's shape line for line; diff them to see the
// one part that changes: how the downloads are started and how we learn that
// they are all over.
import { onStopSignal, readInteger, type StopSignal } from '@slow-poetry/cli-kit';
import {
  describeError,
  LiveReport,
  readTaskGroupArgs,
  runClient,
  Session,
  taskGroupOptions,
  type ClientProgram,
  type TaskRecord,
} from '@slow-poetry/shared';
import {
  catchError,
  defer,
  EMPTY,
  identity,
  lastValueFrom,
  map,
  merge,
  Observable,
  retry,
  takeUntil,
  tap,
  throwError,
  timer,
  toArray,
} from 'rxjs';

import { getPoetry } from './get-poetry.js';
import { idleTimeout, limitBytes } from './operators.js';

const program: ClientProgram = {
  name: 'get-poetry-rxjs',
  summary: "Download a poem from each address, all at once, with RxJS Observables on Node's event loop.",
  options: {
    ...taskGroupOptions, // --fail-fast, --concurrency N
    retries: { type: 'string', help: '--retries N         try a failed task again, up to N times (default 0)' },
  },
};

runClient(program, async (args) => {
  const { failFast, concurrency } = readTaskGroupArgs(args);
  const retries = readInteger('--retries', (args.extra['retries'] as string | undefined) ?? '0', 0);
  const session = new Session('rxjs', args);
  const live = new LiveReport(session); // the lines, --out, the trace, a stop signal's partials, | head

  // Ctrl-C (or SIGTERM, SIGHUP), as an Observable: subscribing starts listening, unsubscribing stops
  // (after a signal the handlers stay, to ignore the copy `pnpm exec` sends).
  // The report says what each unfinished task got so far; takeUntil below cancels every download.
  const stopped$ = new Observable<StopSignal>((subscriber) =>
    onStopSignal((signal) => {
      live.stop(signal);
      subscriber.next(signal);
    }),
  );

  // One task: its chunks, a line for each; the poem joined once at the end. The
  // timeout, the byte limit and the retries are operators in the pipe.
  const download = (task: TaskRecord): Observable<void> =>
    defer(() => {
      live.restart(task); // a retry starts the poem again from its first byte
      return getPoetry(task.address, { onConnect: () => task.connected() });
    }).pipe(
      limitBytes(args.maxBytes),
      args.timeout === undefined ? identity : idleTimeout(args.timeout),
      tap((chunk) => live.chunk(task, chunk)),
      toArray(), // every chunk, kept as it came…
      map((chunks) => Buffer.concat(chunks)), // …and joined once
      retry({
        count: retries,
        delay: (err: unknown, attempt: number) => {
          live.say(`Task ${task.id}: trying again (${attempt} of ${retries}) after: ${describeError(err)}`);
          return timer(0);
        },
      }),
      map((poem) => {
        if (!live.done(task, poem)) throw task.error; // not saved (--out): a failure like any other
      }),
      catchError((err: unknown) => {
        live.failed(task, err);
        // An error that reaches merge ends every other download: RxJS fails fast
        // by default. Unless we want that (--fail-fast), a failure stops here.
        if (!failFast) return EMPTY;
        live.failFast(task); // from now on, the others' ends are reported as cancellations
        return throwError(() => err); // on to merge
      }),
    );

  // Start the downloads: merge subscribes to every one at once, or to
  // `concurrency` at a time (the others wait their turn, in order, unconnected).
  // An error that reaches it (--fail-fast) or a stop signal (takeUntil)
  // unsubscribes every download still running, which closes its socket.
  // Resolves when every task is over.
  const downloads$ = merge(...session.tasks.map(download), concurrency).pipe(
    takeUntil(stopped$),
    catchError(() => {
      live.cancelUnfinished(); // unsubscribed downloads never report back: they were cancelled
      return EMPTY;
    }),
  );
  await lastValueFrom(downloads$, { defaultValue: undefined });
  return live.end();
});
