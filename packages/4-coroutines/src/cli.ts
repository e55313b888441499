// get-poetry-coroutines: every download at once on Node's event loop; each one
// is a coroutine, a generator that run() resumes whenever what it waits for is there.
//
// The event-loop stages (3 to 6) share this file's shape line for line; diff them to see the
// one part that changes: how the downloads are started and how we learn that
// they are all over.
import {
  LiveReport,
  readTaskGroupArgs,
  runClient,
  Session,
  taskGroupOptions,
  type ClientProgram,
  type TaskRecord,
} from '@slow-poetry/shared';

import { getPoetry, type GetPoetryOptions } from './get-poetry.js';
import { cancelledError, run, type Coroutine, type Task } from './run.js';

const program: ClientProgram = {
  name: 'get-poetry-coroutines',
  summary: "Download a poem from each address, all at once, with coroutines (generators and a runner) on Node's event loop.",
  options: { ...taskGroupOptions },
};

runClient(program, (args) => {
  const { failFast, concurrency } = readTaskGroupArgs(args);
  const session = new Session('coroutines', args);
  const live = new LiveReport(session); // the lines, --out, the trace, a stop signal's partials, | head

  // Ctrl-C (or SIGTERM, SIGHUP), or the first failure with --fail-fast: every worker is cancelled,
  // which throws a CancelledError into the download it waits for, at the yield where it waits.
  const workers: Task<void>[] = [];
  let cancelling = false;
  const cancelAll = (): void => {
    cancelling = true;
    for (const worker of workers) worker.cancel();
  };
  live.onStopSignal(cancelAll);

  const options = (task: TaskRecord): GetPoetryOptions => ({
    timeout: args.timeout,
    maxBytes: args.maxBytes,
    onConnect: () => task.connected(),
    onChunk: (chunk) => live.chunk(task, chunk),
  });

  // A worker is a coroutine too: it takes the next task in order, waits at a
  // yield for its download (a Task is a Future), reports it, and takes the next.
  // As many workers as --concurrency (by default one per task): at most that
  // many downloads at a time. A failed download is an exception, caught here.
  const queue = [...session.tasks];
  function* worker(): Coroutine<void> {
    for (let task = queue.shift(); task !== undefined; task = queue.shift()) {
      if (cancelling) {
        live.failed(task, cancelledError()); // its turn never came
        continue;
      }
      task.start();
      try {
        const poem = (yield run(getPoetry(task.address, options(task)))) as Uint8Array;
        if (!live.done(task, poem)) throw task.error; // not saved (--out): a failure like any other
      } catch (err) {
        if (failFast && !cancelling) {
          live.failFast(task);
          cancelAll();
        }
        live.failed(task, err);
      }
    }
  }
  workers.push(...Array.from({ length: Math.min(concurrency, queue.length) }, () => run(worker())));

  // Knowing when they are *all* over is one more coroutine: it waits for each
  // worker in turn, while they all run.
  function* allOver(): Coroutine<number> {
    for (const worker of workers) yield worker;
    return live.end();
  }
  // runClient wants a Promise of the exit status; a Future has the same shape.
  return new Promise<number>((resolve, reject) => run(allOver()).whenDone(resolve, reject));
});
