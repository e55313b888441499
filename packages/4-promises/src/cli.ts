// get-poetry-promises: every download at once on Node's event loop; each one is
// a promise of its poem.
//
// Stages 3, 4 and 5 share this file's shape line for line; diff them to see the
// one part that changes: how the downloads are started and how we learn that
// they are all over.
import { setMaxListeners } from 'node:events';

import {
  clientUsage,
  exitStatus,
  parseClientArgs,
  report,
  runMain,
  Session,
  type ClientProgram,
  type TaskRecord,
} from '@slow-poetry/shared';

import { getPoetry, type PoetryOptions } from './get-poetry.js';

const program: ClientProgram = {
  name: 'get-poetry-promises',
  summary: "Download a poem from each address, all at once, with promises on Node's event loop.",
};

runMain(program.name, async () => {
  const args = parseClientArgs(program, process.argv.slice(2));
  if (args === 'help') {
    console.log(clientUsage(program));
    return exitStatus.ok;
  }
  const session = new Session('promises', args);
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
    process.off('SIGINT', interrupt);
    for (const task of session.tasks) if (task.status === 'done') say(report.poemBytes(task.id, task.bytes));
    say(report.summary(session.poems, session.failures, session.elapsedMs()));
    return session.finish(interrupted);
  };

  // Ctrl-C: say what each unfinished task got so far, then cancel every download.
  const controller = new AbortController();
  setMaxListeners(session.tasks.length, controller.signal); // one 'abort' listener per download, on purpose
  const interrupt = (): void => {
    interrupted = true;
    const partials = new Map(session.tasks.map((task) => [task.id, partial(task)]));
    for (const task of session.interrupt(partials)) say(report.failed(task.id, task.label, task.error, task.bytes));
    controller.abort();
  };
  process.once('SIGINT', interrupt);

  const options = (task: TaskRecord): PoetryOptions => ({
    timeout: args.timeout,
    maxBytes: args.maxBytes,
    signal: controller.signal,
    onConnect: () => task.connected(),
    onChunk: (chunk) => gotChunk(task, chunk),
  });

  // Start every download; each promise settles on its own, in whatever order the
  // servers finish. The promises themselves know when they are *all* over.
  const downloads = session.tasks.map((task) =>
    getPoetry(task.address, options(task)).then(
      (poem) => taskDone(task, poem),
      (err: unknown) => taskFailed(task, err),
    ),
  );
  await Promise.allSettled(downloads);
  return end();
});
