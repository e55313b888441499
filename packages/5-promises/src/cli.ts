// get-poetry-promises: every download at once on Node's event loop; each one is
// a promise of its poem.
//
// The event-loop stages share this file's shape line for line; diff them to see the
// one part that changes: how the downloads are started and how we learn that
// they are all over.
import { setMaxListeners } from 'node:events';

import { LiveReport, runClient, Session, type ClientProgram, type TaskRecord } from '@slow-poetry/shared';

import { getPoetry, type GetPoetryOptions } from './get-poetry.js';

const program: ClientProgram = {
  name: 'get-poetry-promises',
  summary: "Download a poem from each address, all at once, with promises on Node's event loop.",
};

runClient(program, async (args) => {
  const session = new Session('promises', args);
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

  // Start every download; each promise settles on its own, in whatever order the
  // servers finish. The promises themselves know when they are *all* over.
  const downloads = session.tasks.map((task) =>
    getPoetry(task.address, options(task)).then(
      (poem) => live.done(task, poem),
      (err: unknown) => live.failed(task, err),
    ),
  );
  await Promise.allSettled(downloads);
  return live.end();
});
