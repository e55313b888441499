// get-poetry-callbacks: every download at once on Node's event loop; each one
// reports back through its callback.
//
// The event-loop stages (3 to 6) share this file's shape line for line; diff them to see the
// one part that changes: how the downloads are started and how we learn that
// they are all over.
import {
  Canceller,
  LiveReport,
  readTaskGroupArgs,
  runClient,
  Session,
  taskGroupOptions,
  type ClientProgram,
  type TaskRecord,
} from '@slow-poetry/shared';

import { getPoetry, type GetPoetryOptions } from './get-poetry.js';

const program: ClientProgram = {
  name: 'get-poetry-callbacks',
  summary: "Download a poem from each address, all at once, with callbacks on Node's event loop.",
  options: { ...taskGroupOptions },
};

runClient(program, async (args) => {
  const { failFast, concurrency } = readTaskGroupArgs(args);
  const session = new Session('callbacks', args);
  const live = new LiveReport(session); // the lines, --out, the trace, a stop signal's partials, | head

  // Ctrl-C (or SIGTERM, SIGHUP): the report says what each unfinished task got so far; we cancel every download.
  // --fail-fast cancels them the same way. One Canceller hands every download an
  // AbortSignal and aborts them all (shared's canceller.ts says why not one signal for all).
  const cancel = new Canceller();
  live.onStopSignal(() => cancel.abort());

  const options = (task: TaskRecord): GetPoetryOptions => ({
    timeout: args.timeout,
    maxBytes: args.maxBytes,
    signal: cancel.signal(),
    onConnect: () => task.connected(),
    onChunk: (chunk) => live.chunk(task, chunk),
  });

  // Start the first `concurrency` downloads (every one, by default); each calls
  // back on its own, in whatever order the servers finish, and starts the next
  // one in line. Nothing tells us when they are *all* over: we count.
  return new Promise<number>((resolve) => {
    const waiting = [...session.tasks]; // the queue: tasks not started yet, in order
    let over = 0;
    const startNext = (): void => {
      const task = waiting.shift();
      if (task === undefined) return;
      task.start();
      getPoetry(task.address, options(task), (err, poem) => {
        if (err) live.failed(task, err);
        else live.done(task, poem!); // with --out, a poem that cannot be saved fails its task instead
        over += 1;
        if (over === session.tasks.length) return resolve(live.end());
        if (task.status === 'failed' && failFast && !cancel.aborted) {
          // Every other download calls back with an AbortError: those under way
          // before abort() returns (this one has counted itself already), those
          // still waiting as they start.
          live.failFast(task);
          cancel.abort();
        }
        startNext();
      });
    };
    const first = Math.min(concurrency, waiting.length);
    for (let i = 0; i < first; i += 1) startNext();
  });
});
