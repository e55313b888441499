// get-poetry-callbacks: every download at once on Node's event loop; each one
// reports back through its callback.
//
// The event-loop stages (3 to 6) share this file's shape line for line; diff them to see the
// one part that changes: how the downloads are started and how we learn that
// they are all over.
import { setMaxListeners } from 'node:events';

import { LiveReport, runClient, Session, type ClientProgram, type TaskRecord } from '@slow-poetry/shared';

import { getPoetry, type GetPoetryOptions } from './get-poetry.js';

const program: ClientProgram = {
  name: 'get-poetry-callbacks',
  summary: "Download a poem from each address, all at once, with callbacks on Node's event loop.",
};

runClient(program, async (args) => {
  const session = new Session('callbacks', args);
  const live = new LiveReport(session); // the lines, --out, the trace, a stop signal's partials, | head

  // Ctrl-C (or SIGTERM, SIGHUP): the report says what each unfinished task got so far; we cancel every download.
  const controller = new AbortController();
  setMaxListeners(session.tasks.length, controller.signal); // one 'abort' listener per download, on purpose
  live.onStopSignal(() => controller.abort());

  const options = (task: TaskRecord): GetPoetryOptions => ({
    timeout: args.timeout,
    maxBytes: args.maxBytes,
    signal: controller.signal,
    onConnect: () => task.connected(),
    onChunk: (chunk) => live.chunk(task, chunk),
  });

  // Start every download; each calls back on its own, in whatever order the
  // servers finish. Nothing tells us when they are *all* over: we count.
  return new Promise<number>((resolve) => {
    let over = 0;
    for (const task of session.tasks) {
      getPoetry(task.address, options(task), (err, poem) => {
        if (err) live.failed(task, err);
        else live.done(task, poem!);
        over += 1;
        if (over === session.tasks.length) resolve(live.end());
      });
    }
  });
});
