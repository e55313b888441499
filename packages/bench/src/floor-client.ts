// The floor: a plain node:net client that does nothing but read. It opens every
// connection at once, counts the bytes and keeps none of them (no report lines,
// no poem, no trace). Whatever time it takes is what this machine, this server and
// Node's event loop cost; a stage can only add to it.
//
//   node dist/floor-client.js [--timeout SECONDS] ADDRESS...
//
// It reads the stages' own command line (runClient), so the bench runs it exactly
// as it runs them; of the options, it heeds only --timeout.
// Prints one JSON line: {"ms":…, "done":…, "failed":…, "bytes":…, "errors":{…}}.
import net from 'node:net';

import { exitStatus } from '@slow-poetry/cli-kit';
import { monotonicMs, runClient, type ClientArgs } from '@slow-poetry/shared';

export interface FloorResult {
  /** From the first connect() to the last connection's end. */
  ms: number;
  /** Connections that ended with the server closing cleanly. */
  done: number;
  failed: number;
  bytes: number;
  /** How many failed with each error code. */
  errors: Record<string, number>;
}

function main({ addresses, timeout }: ClientArgs): Promise<number> {
  const result: FloorResult = { ms: 0, done: 0, failed: 0, bytes: 0, errors: {} };
  let open = addresses.length;
  const startedAt = monotonicMs();
  return new Promise((resolve) => {
    const settle = (error?: Error): void => {
      if (error) {
        result.failed += 1;
        const code = (error as NodeJS.ErrnoException).code ?? error.message;
        result.errors[code] = (result.errors[code] ?? 0) + 1;
      } else result.done += 1;
      if (--open === 0) {
        result.ms = monotonicMs() - startedAt;
        process.stdout.write(JSON.stringify(result) + '\n');
        resolve(exitStatus.ok);
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
      if (timeout !== undefined) socket.setTimeout(timeout * 1000, () => once(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
      socket.on('data', (chunk: Buffer) => (result.bytes += chunk.byteLength));
      socket.on('end', () => once());
      socket.on('error', (error) => once(error));
    }
  });
}

runClient({ name: 'floor-client', summary: 'The bench\'s floor: a plain node:net reader that counts bytes and keeps none.' }, main);
