// The floor: a plain node:net client that does nothing but read. It opens every
// connection at once, counts the bytes and keeps none of them (no report lines,
// no poem, no trace, no record per task). Whatever time it takes is what this
// machine, this server and Node's event loop cost; a stage can only add to it.
//
//   node dist/floor-client.js [--timeout SECONDS] ADDRESS...
//
// It reads the stages' own command line (runClient), so the bench runs it exactly
// as it runs them; of the options, it heeds only --timeout. At the end it prints
// the same result record as every client's --json (without the per-task list).
import net from 'node:net';

import { exitStatus } from '@slow-poetry/cli-kit';
import { describeError, monotonicMs, runClient, type ClientArgs, type ClientResult } from '@slow-poetry/shared';

function main({ addresses, timeout }: ClientArgs): Promise<number> {
  const result: ClientResult = { stage: 'floor', status: exitStatus.ok, ms: 0, poems: 0, failed: 0, bytes: 0, reasons: {} };
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
      const once = (error?: Error): void => {
        if (settled) return;
        settled = true;
        socket.destroy();
        settle(error);
      };
      const socket = net.connect(address);
      if (timeout !== undefined)
        socket.setTimeout(timeout * 1000, () => once(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
      socket.on('data', (chunk: Buffer) => (result.bytes += chunk.byteLength));
      socket.on('end', () => once());
      socket.on('error', (error) => once(error));
    }
  });
}

runClient(
  { name: 'floor-client', summary: "The bench's floor: a plain node:net reader that counts bytes and keeps none." },
  main,
);
