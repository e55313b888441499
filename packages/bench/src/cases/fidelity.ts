// Schedule fidelity: the tutorial's scene (three servers, 0.1 s between chunks,
// divided by the speed), and each client's total time against the ideal — the sum
// of the three downloads for the blocking client, the slowest one for the others.
import { join } from 'node:path';

import { idealDuration, poetryDir, readPoem, tutorialDelay, tutorialScene } from '@slow-poetry/slow-server';

import { measureClient, type RunResult } from '../run.js';
import { startSceneProcess } from '../servers.js';
import type { BenchClient } from '../stages.js';

export interface FidelityRow {
  speed: number;
  client: BenchClient;
  idealMs: number;
  result: RunResult;
}

/** Ideal seconds of each of the scene's downloads at `speed`. */
export function sceneIdeals(speed: number): number[] {
  return tutorialScene.map((entry) =>
    idealDuration(readPoem(join(poetryDir, entry.poem)).byteLength, entry.numBytes, tutorialDelay / speed),
  );
}

export async function fidelity(clients: BenchClient[], speeds: number[], log: (line: string) => void): Promise<FidelityRow[]> {
  const rows: FidelityRow[] = [];
  for (const speed of speeds) {
    const ideals = sceneIdeals(speed);
    const scene = await startSceneProcess(speed);
    const addresses = scene.ports.map((port) => `127.0.0.1:${port}`);
    try {
      for (const client of clients) {
        const idealMs = 1000 * (client.concurrent ? Math.max(...ideals) : ideals.reduce((a, b) => a + b, 0));
        const result = await measureClient(client, addresses, { timeout: 10, deadlineMs: 2 * idealMs + 30_000 });
        rows.push({ speed, client, idealMs, result });
        log(`fidelity speed ${speed} ${client.label}: ${fmtMs(result.ms)} (ideal ${fmtMs(idealMs)})`);
      }
    } finally {
      await scene.close();
    }
  }
  return rows;
}

export function fmtMs(ms: number | undefined): string {
  return ms === undefined ? '–' : `${(ms / 1000).toFixed(3)} s`;
}
