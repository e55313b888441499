// get-poetry-rxjs: every download at once on Node's event loop; each one is an
// Observable of its chunks, with timeout and retry as operators.
//
// Stages 3, 4 and 5 share this file's shape line for line; diff them to see the
// one part that changes: how the downloads are started and how we learn that
// they are all over.
import {
  clientUsage,
  describeError,
  exitStatus,
  parseClientArgs,
  report,
  runMain,
  Session,
  type ClientProgram,
  type TaskRecord,
} from '@slow-poetry/shared';
import { readInteger } from '@slow-poetry/slow-server';
import {
  catchError,
  defer,
  EMPTY,
  fromEvent,
  identity,
  lastValueFrom,
  map,
  merge,
  retry,
  take,
  takeUntil,
  tap,
  timer,
  toArray,
  type Observable,
} from 'rxjs';

import { getPoetry } from './get-poetry.js';
import { idleTimeout, limitBytes } from './operators.js';

const program: ClientProgram = {
  name: 'get-poetry-rxjs',
  summary: "Download a poem from each address, all at once, with RxJS Observables on Node's event loop.",
  options: { retries: { type: 'string', help: '--retries N         try a failed task again, up to N times (default 0)' } },
};

runMain(program.name, async () => {
  const args = parseClientArgs(program, process.argv.slice(2));
  if (args === 'help') {
    console.log(clientUsage(program));
    return exitStatus.ok;
  }
  const retries = readInteger('--retries', (args.extra['retries'] as string | undefined) ?? '0', 0);
  const session = new Session('rxjs', args);
  const say = (line: string): void => void process.stdout.write(`${line}\n`);
  // A reader that goes away (`| head`) makes stdout fail with EPIPE: nobody is left to tell, so leave quietly.
  process.stdout.on('error', () => process.exit(session.finish()));
  const arrived = new Map(session.tasks.map((task) => [task.id, [] as Uint8Array[]])); // for Ctrl-C and --out
  const partial = (task: TaskRecord): Uint8Array => Buffer.concat(arrived.get(task.id)!);
  let interrupted = false;

  const gotChunk = (task: TaskRecord, chunk: Uint8Array): void => {
    arrived.get(task.id)!.push(chunk);
    task.chunk(chunk.byteLength);
    if (!args.quiet) say(report.gotChunk(task.id, chunk.byteLength, task.label));
  };
  const taskDone = (task: TaskRecord, poem: Uint8Array): void => {
    task.done(poem);
    say(report.finished(task.id));
  };
  const taskFailed = (task: TaskRecord, err: unknown): void => {
    if (task.isOver()) return; // already marked as interrupted
    task.failed(err, partial(task));
    say(report.failed(task.id, task.label, err, task.bytes));
  };
  const end = (): number => {
    for (const task of session.tasks) if (task.status === 'done') say(report.poemBytes(task.id, task.bytes));
    say(report.summary(session.poems, session.failures, session.elapsedMs()));
    return session.finish(interrupted);
  };

  // Ctrl-C: say what each unfinished task got so far (takeUntil below then cancels every download).
  const interrupt = (): void => {
    interrupted = true;
    const partials = new Map(session.tasks.map((task) => [task.id, partial(task)]));
    for (const task of session.interrupt(partials)) say(report.failed(task.id, task.label, task.error, task.bytes));
  };
  const interrupted$ = fromEvent(process, 'SIGINT').pipe(take(1), tap(interrupt));

  // One task: its chunks, a line for each; the poem joined once at the end. The
  // timeout, the byte limit and the retries are operators in the pipe.
  const download = (task: TaskRecord): Observable<void> =>
    defer(() => {
      arrived.set(task.id, []); // a retry starts the poem again from its first byte
      return getPoetry(task.address, { onConnect: () => task.connected() });
    }).pipe(
      args.maxBytes === undefined ? identity : limitBytes(args.maxBytes),
      args.timeout === undefined ? identity : idleTimeout(args.timeout),
      tap((chunk) => gotChunk(task, chunk)),
      toArray(), // every chunk, kept as it came…
      map((chunks) => Buffer.concat(chunks)), // …and joined once
      retry({
        count: retries,
        delay: (err: unknown, attempt: number) => {
          say(`Task ${task.id}: trying again (${attempt} of ${retries}) after: ${describeError(err)}`);
          return timer(0);
        },
      }),
      map((poem) => taskDone(task, poem)),
      catchError((err: unknown) => {
        taskFailed(task, err);
        return EMPTY; // one failed task must not end the others
      }),
    );

  // Start every download at once (merge subscribes to all of them); Ctrl-C
  // unsubscribes, which closes every socket. Resolves when every task is over.
  await lastValueFrom(merge(...session.tasks.map(download)).pipe(takeUntil(interrupted$)), { defaultValue: undefined });
  return end();
});
