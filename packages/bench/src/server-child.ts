// One slow server in a process of its own, for the benchmarks. It is the same
// server as `slowpoetry` (startServer), plus what the bench needs to know: how late
// each chunk left compared with its schedule, and how every connection ended.
//
// Started with child_process.fork(path, [JSON options]); it sends {port} when it
// listens and answers {type: 'stats'} with the stats since the last request.
import { readFileSync } from 'node:fs';

import { startServer, type Outcome } from '@slow-poetry/slow-server';

export interface ServerChildOptions {
  /** The poem's file. */
  poemFile: string;
  numBytes: number;
  delay: number;
  backlog: number;
  host?: string;
}

export interface ServerStats {
  /** Connections seen. */
  clients: number;
  chunks: number;
  /** How late chunks were handed to the kernel, in milliseconds. */
  lateMedianMs: number;
  lateP99Ms: number;
  lateMaxMs: number;
  outcomes: Partial<Record<Outcome, number>>;
  /**
   * From the first connection accepted to the last. When a burst overflows the
   * listen queue, the kernel makes the late ones retry (after 1 s, then 3 s…):
   * this is where such a wait shows.
   */
  acceptSpreadMs: number;
}

export type ServerChildMessage = { type: 'listening'; port: number } | { type: 'stats'; stats: ServerStats };

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2]!) as ServerChildOptions;
  const server = await startServer({
    poem: readFileSync(options.poemFile),
    numBytes: options.numBytes,
    delay: options.delay,
    backlog: options.backlog,
    host: options.host ?? '127.0.0.1',
  });
  // A growable list of lateness samples: 10,000 clients × 10 chunks is 100,000 numbers.
  let late = new Float64Array(1 << 16);
  let count = 0;
  let clients = 0;
  let outcomes: ServerStats['outcomes'] = {};
  let firstAccept = 0;
  let lastAccept = 0;
  server.on('client', () => {
    lastAccept = performance.now();
    if (clients === 0) firstAccept = lastAccept;
    clients += 1;
  });
  server.on('chunk', (_client, _bytes, lateMs) => {
    if (count === late.length) {
      const bigger = new Float64Array(late.length * 2);
      bigger.set(late);
      late = bigger;
    }
    late[count++] = lateMs;
  });
  server.on('end', (_client, outcome) => (outcomes[outcome] = (outcomes[outcome] ?? 0) + 1));

  const send = (message: ServerChildMessage): void => void process.send!(message);
  process.on('message', (message: { type: string }) => {
    if (message.type === 'stats') {
      const sorted = late.slice(0, count).sort();
      const at = (q: number): number => (count === 0 ? 0 : sorted[Math.min(count - 1, Math.floor(q * count))]!);
      send({
        type: 'stats',
        stats: {
          clients,
          chunks: count,
          lateMedianMs: at(0.5),
          lateP99Ms: at(0.99),
          lateMaxMs: at(1),
          outcomes,
          acceptSpreadMs: lastAccept - firstAccept,
        },
      });
      count = 0;
      clients = 0;
      outcomes = {};
    } else if (message.type === 'close') {
      void server.close().then(() => process.exit(0));
    }
  });
  send({ type: 'listening', port: server.port });
}

void main();
