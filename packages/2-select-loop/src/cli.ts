// `get-poetry-select [options] ADDRESS...`: download every poem at once in a select loop.
import { UsageError } from '@slow-poetry/cli-kit';
import { LiveReport, runClient, Session, type ClientArgs, type ClientProgram } from '@slow-poetry/shared';
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
  // The lines, --out and the trace, as in every stage that downloads all at once.
  // The loop hands over each failed download's bytes itself, so the report keeps none.
  const live = new LiveReport(session, { keepsChunks: false, writeEachLine: true });
  const { tasks } = session;

  try {
    // Every result comes back at once, when the loop is over; the functions below
    // report each download as it happens, from inside the loop.
    getPoetry(
      tasks.map((task) => task.address),
      {
        poller,
        timeout: args.timeout,
        maxBytes: args.maxBytes,
        onConnect: (i) => tasks[i]!.connected(),
        onChunk: (i, chunk) => live.chunk(tasks[i]!, chunk),
        // The server closed the connection: this poem is whole, even though the
        // loop's caller sees it only when every other download is over too.
        onFinished: (i, poem) => live.done(tasks[i]!, poem),
        onFailed: (i, error, partial) => live.failed(tasks[i]!, error, partial),
      },
    );
  } catch (error) {
    // The loop itself broke down (select's 1024 limit, say): every download still running is lost with it.
    for (const task of tasks) task.failed(error);
    throw error;
  }
  return live.end();
}

runClient(program, main);
