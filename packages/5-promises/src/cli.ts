// get-poetry-promises: every download at once on Node's event loop; each one is
// a promise of its poem.
//
// The event-loop stages share this file's shape line for line; diff them to see the
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
import { TaskGroup } from './task-group.js';

const program: ClientProgram = {
  name: 'get-poetry-promises',
  summary: "Download a poem from each address, all at once, with promises on Node's event loop.",
  options: { ...taskGroupOptions }, // --fail-fast, --concurrency N
};

runClient(program, async (args) => {
  const session = new Session('promises', args);
  const live = new LiveReport(session); // the lines, --out, the trace, a stop signal's partials, | head

  // One cancellation scope for the whole run: every download gets a signal from the group.
  // Ctrl-C (or SIGTERM, SIGHUP) cancels the group: the report says what each unfinished task got
  // so far. With --fail-fast, the first failure cancels it too; --concurrency N runs N at a time.
  const group = new TaskGroup<TaskRecord>({ ...readTaskGroupArgs(args), beforeCancelling: (first) => live.failFast(first) });
  live.onStopSignal(() => group.cancel());

  const options = (task: TaskRecord, signal: AbortSignal): GetPoetryOptions => ({
    timeout: args.timeout,
    maxBytes: args.maxBytes,
    signal,
    onConnect: () => task.connected(),
    onChunk: (chunk) => live.chunk(task, chunk),
  });

  // Start every download (each waits for its turn in the group); each promise settles
  // on its own, in whatever order the servers finish. The promises themselves know
  // when they are *all* over: allSettled waits for every one, cancelled ones included.
  // Saving the poem is the task's last step: a poem that cannot be saved (--out)
  // fails its task, inside the group, like any other failure.
  const downloads = session.tasks.map((task) =>
    group
      .run(task, async (signal) => {
        const poem = await getPoetry(task.address, options(task, signal));
        if (!live.done(task, poem)) throw task.error;
      })
      .catch((err: unknown) => live.failed(task, err)),
  );
  await Promise.allSettled(downloads);
  return live.end();
});
