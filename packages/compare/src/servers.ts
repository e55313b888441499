// The slow servers every stage downloads from: the tutorial's scene by default,
// or the reader's own poems. They run in this process; the clients do not (a
// blocking client would stop the servers along with itself).
import { readFileSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';

import { checkTimerSeconds, UsageError } from '@slow-poetry/cli-kit';
import { idealDuration, poetryDir, startServer, tutorialDelay, tutorialScene, type SlowServer } from '@slow-poetry/slow-server';

export interface ServerPlan {
  /** The poem's file name, e.g. 'ecstasy.txt'. */
  poem: string;
  path: string;
  bytes: Uint8Array;
  numBytes: number;
  /** Seconds between chunks, after --speed. */
  delay: number;
}

export interface ServerSettings {
  /** Poem files; names without a folder are looked up in the repository's poetry/. Default: the tutorial's three. */
  poems?: string[];
  /** Bytes per chunk for every server. Default: the tutorial's (30 for ecstasy, 10 for the others), or 10. */
  numBytes?: number;
  /** Seconds between chunks before --speed. Default 0.1. */
  delay?: number;
  /** Divide every delay by this. Default 1. */
  speed?: number;
}

export function planServers(settings: ServerSettings): ServerPlan[] {
  const speed = settings.speed ?? 1;
  const delay = (settings.delay ?? tutorialDelay) / speed;
  // A delay beyond what a timer can hold would quietly become 1 ms in the servers.
  checkTimerSeconds('--delay ÷ --speed', delay, `${settings.delay ?? tutorialDelay} ÷ ${speed}`);
  const poems = settings.poems ?? tutorialScene.map((entry) => entry.poem);
  return poems.map((poem, i) => {
    const path = isAbsolute(poem) || poem.includes('/') ? poem : join(poetryDir, poem);
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      const why = { ENOENT: 'no such file', EISDIR: 'it is a folder', EACCES: 'permission denied' }[code];
      throw new UsageError(`cannot read poem '${poem}': ${why ?? (error as Error).message.split('\n')[0]}`);
    }
    const sceneBytes = settings.poems === undefined ? tutorialScene[i]?.numBytes : undefined;
    return { poem: basename(path), path, bytes, numBytes: settings.numBytes ?? sceneBytes ?? 10, delay };
  });
}

/** The servers' own schedule for one download, in ms: the first chunk at once, then one per delay. */
export function idealMs(plan: ServerPlan): number {
  return idealDuration(plan.bytes.byteLength, plan.numBytes, plan.delay) * 1000;
}

export async function startServers(plans: ServerPlan[]): Promise<SlowServer[]> {
  const servers: SlowServer[] = [];
  try {
    for (const plan of plans) {
      servers.push(await startServer({ poem: plan.bytes, port: 0, numBytes: plan.numBytes, delay: plan.delay }));
    }
  } catch (error) {
    await Promise.all(servers.map((server) => server.close()));
    throw error;
  }
  return servers;
}
