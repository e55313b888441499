// The servers the bench runs, each in a process of its own so that the client
// being measured is the only thing in its process: the bench's server child
// (server-child.ts), serving one poem (and timing how late its chunks leave:
// "the server under load") or the tutorial's scene. Forked, so that each ends
// with the bench however the bench ends.
import { fork, type ChildProcess } from 'node:child_process';

import { ownChild } from '@slow-poetry/cli-kit';

import type { ServerChildMessage, ServerChildOptions, ServerStats } from './server-child.js';
import { serverChildPath } from './stages.js';

export interface StatsServer {
  port: number;
  /** Stats since the last call (lateness, outcomes), then start counting afresh. */
  stats(): Promise<ServerStats>;
  close(): Promise<void>;
}

/** One slow server (its options as `slowpoetry`'s), in a child process. */
export async function startStatsServer(options: Exclude<ServerChildOptions, { scene: unknown }>): Promise<StatsServer> {
  const { ports, stats, close } = await forkServers(options);
  return { port: ports[0]!, stats, close };
}

export interface SceneProcess {
  ports: number[];
  close(): Promise<void>;
}

/** The tutorial's three servers at `speed`, on free ports, in a child process. */
export async function startSceneProcess(speed: number): Promise<SceneProcess> {
  const { ports, close } = await forkServers({ scene: { speed } });
  return { ports, close };
}

async function forkServers(
  options: ServerChildOptions,
): Promise<{ ports: number[]; stats(): Promise<ServerStats>; close(): Promise<void> }> {
  // execArgv: []: the server needs none of this process's own Node options.
  const child = ownChild(
    fork(serverChildPath, [JSON.stringify(options)], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
  );
  const next = <T extends ServerChildMessage['type']>(type: T): Promise<Extract<ServerChildMessage, { type: T }>> =>
    new Promise((resolve, reject) => {
      const onMessage = (message: ServerChildMessage): void => {
        if (message.type !== type) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(message as Extract<ServerChildMessage, { type: T }>);
      };
      const onExit = (): void => reject(new Error('the bench server exited'));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const { ports } = await next('listening');
  return {
    ports,
    async stats() {
      const reply = next('stats');
      child.send({ type: 'stats' });
      return (await reply).stats;
    },
    close: () => stop(child, () => child.send({ type: 'close' })),
  };
}

function stop(child: ChildProcess, ask: () => void): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    ask();
  });
}
