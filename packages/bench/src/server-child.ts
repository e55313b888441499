// The bench's servers, each in a process of its own: one slow server (the same
// startServer as `slowpoetry`, plus what the bench needs to know: how late each
// chunk left compared with its schedule, and how every connection ended), or the
// tutorial's scene of three.
//
// Started with child_process.fork(path, [JSON options]); it sends {ports} when it
// listens and answers {type: 'stats'} with the stats since the last request. It
// ends with its parent: when the bench goes, however it goes (even killed
// outright), the IPC channel closes, and so does this process.
import { readFileSync } from 'node:fs';

import { startScene, startServer, type Fault, type Outcome, type SlowServer } from '@slow-poetry/slow-server';

export type ServerChildOptions =
  | {
      /** The poem's file. */
      poemFile: string;
      numBytes: number;
      delay: number;
      backlog: number;
      host?: string;
      /** Misbehave on purpose (the heap case's server stalls after 90 bytes). */
      fault?: Fault;
    }
  | { scene: { speed: number } };

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

export type ServerChildMessage = { type: 'listening'; ports: number[] } | { type: 'stats'; stats: ServerStats };

async function start(options: ServerChildOptions): Promise<{ servers: SlowServer[]; close(): Promise<void> }> {
  if ('scene' in options) {
    const scene = await startScene({ basePort: 0, host: '127.0.0.1', speed: options.scene.speed });
    return { servers: scene.servers.map(({ server }) => server), close: () => scene.close() };
  }
  const server = await startServer({
    poem: readFileSync(options.poemFile),
    numBytes: options.numBytes,
    delay: options.delay,
    backlog: options.backlog,
    host: options.host ?? '127.0.0.1',
    ...(options.fault === undefined ? {} : { fault: options.fault }),
  });
  return { servers: [server], close: () => server.close() };
}

async function main(): Promise<void> {
  process.on('disconnect', () => process.exit(0)); // the bench is gone
  const running = await start(JSON.parse(process.argv[2]!) as ServerChildOptions);
  const [server] = running.servers;
  if (server === undefined) throw new Error('no server started');
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
      void running.close().then(() => process.exit(0));
    }
  });
  send({ type: 'listening', ports: running.servers.map((s) => s.port) });
}

void main();
