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
    session.say(report.getting(task.id, task.label));
    task.start();
    const chunks: Uint8Array[] = [];
    try {
      const poem = getPoetry(task.address, {
        timeout: args.timeout,
        maxBytes: args.maxBytes,
        onConnect: () => task.connected(),
        onChunk: (chunk) => {
          chunks.push(chunk);
          task.chunk(chunk.byteLength);
        },
      });
      task.done(poem); // with --out, saved first: a poem that could not be saved fails the task
    } catch (error) {
      task.failed(error, Buffer.concat(chunks)); // this task failed; the next one still runs
    }
    session.say(
      task.status === 'done'
        ? report.gotPoem(task.id, task.bytes, task.label, task.elapsedMs())
        : report.failed(task.id, task.label, task.reason, task.bytes),
    );
  }

  const result = session.result();
  session.say(report.summary(result.poems, result.failed, result.ms));
  return session.finish();
}

runClient(program, main);
