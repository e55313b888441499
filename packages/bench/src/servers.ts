// The servers the bench runs, each in a process of its own so that the client
// being measured is the only thing in its process: the scene (slowpoetry-scene),
// and the bench's own server child (for scale, which also reports how late the
// chunks left). Plain `slowpoetry` (for throughput) is slow-server's spawnServer.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

import { sceneCliPath } from '@slow-poetry/slow-server';

import type { ServerChildMessage, ServerChildOptions, ServerStats } from './server-child.js';
import { serverChildPath } from './stages.js';

export interface StatsServer {
  port: number;
  /** Stats since the last call (lateness, outcomes), then start counting afresh. */
  stats(): Promise<ServerStats>;
  close(): Promise<void>;
}

export async function startStatsServer(options: ServerChildOptions): Promise<StatsServer> {
  const child = fork(serverChildPath, [JSON.stringify(options)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
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
  const { port } = await next('listening');
  return {
    port,
    async stats() {
      const reply = next('stats');
      child.send({ type: 'stats' });
      return (await reply).stats;
    },
    close: () => stop(child, () => child.send({ type: 'close' })),
  };
}

export interface SceneProcess {
  ports: number[];
  close(): Promise<void>;
}

/** The tutorial's three servers (slowpoetry-scene) at `speed`, on free ports. */
export async function startSceneProcess(speed: number): Promise<SceneProcess> {
  const child = spawn(process.execPath, [sceneCliPath, '--base-port', '0', '--speed', String(speed), '--iface', '127.0.0.1'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ports = await new Promise<number[]>((resolve, reject) => {
    const found: number[] = [];
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /^Serving .* on port (\d+)\.$/.exec(line);
      if (match) found.push(Number(match[1]));
      if (line.startsWith('Ready.')) resolve(found);
    });
    child.once('exit', () => reject(new Error('slowpoetry-scene exited before it was ready')));
  });
  return { ports, close: () => stop(child, () => child.kill('SIGTERM')) };
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
