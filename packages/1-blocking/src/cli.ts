// `get-poetry-blocking [options] ADDRESS...`: download one poem after another.
import { report, runClient, Session, type ClientArgs, type ClientProgram } from '@slow-poetry/shared';
import { currentPlatform } from '@slow-poetry/posix';

import { getPoetry } from './get-poetry.js';

const program: ClientProgram = {
  name: 'get-poetry-blocking',
  summary: 'Download a poem from each address, one after another, on blocking sockets (stage 1).',
};

function main(args: ClientArgs): number {
  currentPlatform(); // on Windows: one line saying why not, before anything starts
  const session = new Session('blocking', args);

  for (const task of session.tasks) {
    console.log(report.getting(task.id, task.label));
    task.start();
    const chunks: Uint8Array[] = [];
    try {
      const poem = getPoetry(task.address, {
        timeout: args.timeout,
        maxBytes: args.maxBytes,
        onConnected: () => task.connected(),
        onChunk: (chunk) => {
          chunks.push(chunk);
          task.chunk(chunk.byteLength);
        },
      });
      task.done(poem);
      console.log(report.gotPoem(task.id, poem.byteLength, task.label, task.elapsedMs()));
    } catch (error) {
      // This task failed; the next one still runs.
      const partial = Buffer.concat(chunks);
      task.failed(error, partial);
      console.log(report.failed(task.id, task.label, error, partial.byteLength));
    }
  }

  console.log(report.summary(session.poems, session.failures, session.elapsedMs()));
  return session.finish();
}

runClient(program, main);
