// The floor: a plain node:net client that does nothing but read. It opens every
// connection at once, counts the bytes and keeps none of them (no report lines,
// no poem, no trace, no record per task). Whatever time it takes is what this
// machine, this server and Node's event loop cost; a stage can only add to it.
//
// With --keep it is the keeper: the same client, but it keeps each download's
// chunks as they come and joins them once at the end, as every stage must to
// give back a poem. The difference between the two is what keeping the poem
// costs, whatever the model; the difference between the keeper and a stage is
// what the stage's model and its report cost.
//
//   node dist/floor-client.js [--keep] [--timeout SECONDS] ADDRESS...
//
// It reads the stages' own command line (runClient), so the bench runs it exactly
// as it runs them; of the options, it heeds only --timeout (and its own --keep).
// At the end it prints the same result record as every client's --json (without
// the per-task list).
import net from 'node:net';

import { exitStatus } from '@slow-poetry/cli-kit';
import { describeError, monotonicMs, runClient, type ClientArgs, type ClientResult } from '@slow-poetry/shared';

function main({ addresses, timeout, extra }: ClientArgs): Promise<number> {
  const keep = extra['keep'] === true;
  const result: ClientResult = {
    stage: keep ? 'keeper' : 'floor',
    status: exitStatus.ok,
    ms: 0,
    poems: 0,
    failed: 0,
    bytes: 0,
    reasons: {},
  };
  let open = addresses.length;
  const startedAt = monotonicMs();
  return new Promise((resolve) => {
    const settle = (error?: Error): void => {
      if (error) {
        result.failed += 1;
        const reason = describeError(error);
        result.reasons[reason] = (result.reasons[reason] ?? 0) + 1;
      } else result.poems += 1;
      if (--open === 0) {
        result.ms = monotonicMs() - startedAt;
        result.status = result.failed > 0 ? exitStatus.failed : exitStatus.ok;
        process.stdout.write(JSON.stringify(result) + '\n');
        resolve(result.status);
      }
    };
    for (const address of addresses) {
      let settled = false;
      const kept: Buffer[] | undefined = keep ? [] : undefined; // --keep: the poem so far, as it came
      let keptBytes = 0;
      const once = (error?: Error): void => {
        if (settled) return;
        settled = true;
        socket.destroy();
        // --keep: a whole poem is joined once, and its bytes counted from it.
        if (kept !== undefined) result.bytes += error ? keptBytes : Buffer.concat(kept, keptBytes).byteLength;
        settle(error);
      };
      const socket = net.connect(address);
      if (timeout !== undefined)
        socket.setTimeout(timeout * 1000, () => once(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
      if (kept === undefined) socket.on('data', (chunk: Buffer) => (result.bytes += chunk.byteLength));
      else
        socket.on('data', (chunk: Buffer) => {
          keptBytes += chunk.byteLength;
          kept.push(chunk);
        });
      socket.on('end', () => once());
      socket.on('error', (error) => once(error));
    }
  });
}

runClient(
  {
    name: 'floor-client',
    summary: "The bench's floor: a plain node:net reader that counts bytes and keeps none (with --keep, the keeper).",
    options: {
      keep: {
        type: 'boolean',
        help: "--keep              keep each poem (its chunks, joined once at the end): the bench's keeper",
      },
    },
  },
  main,
);
