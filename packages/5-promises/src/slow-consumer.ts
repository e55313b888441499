// slow-consumer: an experiment on pulling, not part of the client. It pulls one
// poem with poetryChunks, as getPoetry does, but spends PAUSE seconds on every
// chunk before it asks for the next, and prints when each chunk came and how big
// it was. A chunk bigger than the server's is what the socket read while we were
// busy; the stage's README uses it to show what `timeout` measures.
//
//   node dist/slow-consumer.js [--timeout SECONDS] [--pause SECONDS] ADDRESS
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';

import { exitStatus, readPositiveSeconds, readSeconds, runMain, UsageError } from '@slow-poetry/cli-kit';
import { describeError, parseAddress } from '@slow-poetry/shared';

import { poetryChunks } from './get-poetry.js';

runMain('slow-consumer', async () => {
  const { values, positionals } = parseArgs({
    options: { timeout: { type: 'string' }, pause: { type: 'string', default: '1' } },
    allowPositionals: true,
  });
  if (positionals.length !== 1)
    throw new UsageError('give one ADDRESS (usage: slow-consumer [--timeout SECONDS] [--pause SECONDS] ADDRESS)');
  const address = parseAddress(positionals[0]!);
  const timeout = values.timeout === undefined ? undefined : readPositiveSeconds('--timeout', values.timeout);
  const pause = readSeconds('--pause', values.pause);

  const started = performance.now();
  const at = (): string => `${((performance.now() - started) / 1000).toFixed(3)} s`;
  let chunks = 0;
  let bytes = 0;
  try {
    for await (const chunk of poetryChunks(address, { timeout })) {
      chunks += 1;
      bytes += chunk.byteLength;
      console.log(`${at()}: chunk ${chunks}, ${chunk.byteLength} bytes (${bytes} so far); pausing ${pause} s`);
      await sleep(pause * 1000);
    }
  } catch (error) {
    console.log(`${at()}: failed after ${bytes} bytes: ${describeError(error)}`);
    return exitStatus.failed;
  }
  console.log(`${at()}: the whole poem, ${bytes} bytes`);
  return exitStatus.ok;
});
