// The tutorial's scene, in one process: three slow servers on ports 10000-10002.
import { join } from 'node:path';

import { readPoem } from './serve-args.js';
import { poetryDir, tutorialBasePort, tutorialDelay, tutorialScene } from './poetry.js';
import { startServer, type SlowServer } from './server.js';

export interface SceneOptions {
  /** Port of the first server; the others follow. Default 10000; 0 for free ports. */
  basePort?: number;
  host?: string;
  /** Divide every delay by this. Default 1. */
  speed?: number;
  /** Where the poems are. Default: the repository's poetry/. */
  poetry?: string;
}

export interface RunningScene {
  servers: Array<{ poemFile: string; server: SlowServer }>;
  close(): Promise<void>;
}

export async function startScene(options: SceneOptions = {}): Promise<RunningScene> {
  const basePort = options.basePort ?? tutorialBasePort;
  const servers: RunningScene['servers'] = [];
  const close = async (): Promise<void> => {
    await Promise.all(servers.map(({ server }) => server.close()));
  };
  try {
    for (const entry of tutorialScene) {
      const poemFile = join(options.poetry ?? poetryDir, entry.poem);
      const server = await startServer({
        poem: readPoem(poemFile),
        port: basePort === 0 ? 0 : basePort + entry.portOffset,
        host: options.host,
        numBytes: entry.numBytes,
        delay: tutorialDelay / (options.speed ?? 1),
      });
      servers.push({ poemFile, server });
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { servers, close };
}
