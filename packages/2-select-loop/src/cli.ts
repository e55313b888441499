// `get-poetry-select [options] ADDRESS...`: download every poem at once in a select loop.
import { UsageError } from '@slow-poetry/cli-kit';
import { report, runClient, Session, type ClientArgs, type ClientProgram } from '@slow-poetry/shared';
import { currentPlatform } from '@slow-poetry/posix';

import { getPoetry } from './get-poetry.js';

const program: ClientProgram = {
  name: 'get-poetry-select',
  summary: 'Download a poem from each address, all at once, with non-blocking sockets and a select loop (stage 2).',
  options: {
    poller: {
      type: 'string',
      help: '--poller NAME       how to wait: select (the default; descriptors below 1024 only) or poll',
    },
  },
};

function main(args: ClientArgs): number {
  const poller = args.extra['poller'] ?? 'select';
  if (poller !== 'select' && poller !== 'poll') {
    throw new UsageError(`--poller takes select or poll, not '${String(poller)}'`);
  }
  currentPlatform(); // on Windows: one line saying why not, before anything starts
  const session = new Session('select', args);
  const { tasks } = session;

  let results;
  try {
    results = getPoetry(
      tasks.map((task) => task.address),
      {
        poller,
        timeout: args.timeout,
        maxBytes: args.maxBytes,
        onConnected: (i) => tasks[i]!.connected(),
        onChunk: (i, chunk) => {
          const task = tasks[i]!;
          task.chunk(chunk.byteLength);
          if (!args.quiet) console.log(report.gotChunk(task.id, chunk.byteLength, task.label));
        },
        onFinished: (i, poem) => {
          // The server closed the connection: this poem is whole. Only the loop's
          // caller has to wait for the others before it sees it.
          tasks[i]!.done(poem);
          console.log(report.finished(tasks[i]!.id));
        },
        onFailed: (i, error, partial) => {
          const task = tasks[i]!;
          task.failed(error, partial);
          console.log(report.failed(task.id, task.label, error, partial.byteLength));
        },
      },
    );
  } catch (error) {
    // The loop itself broke down (select's 1024 limit, say): every download still running is lost with it.
    for (const task of tasks) task.failed(error);
    session.finish();
    throw error;
  }

  results.forEach((result, i) => {
    const task = tasks[i]!;
    if (result.ok) {
      console.log(report.poemBytes(task.id, result.poem.byteLength));
    }
  });
  console.log(report.summary(session.poems, session.failures, session.elapsedMs()));
  return session.finish();
}

runClient(program, main);
