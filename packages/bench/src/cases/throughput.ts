// Throughput: one big poem at zero delay in large chunks, so that only the client
// limits the speed. Each client's MB/s against the plain node:net read loop, and
// the time for 50 MB against 100 MB: it must double, not quadruple (a client that
// joins its buffer on every chunk is quadratic).
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

import { removeFolder, temporaryFolder } from '@slow-poetry/cli-kit';
import { poetryDir } from '@slow-poetry/slow-server';

import { measureClient, type RunResult } from '../run.js';
import { startStatsServer } from '../servers.js';
import type { BenchClient } from '../stages.js';

export const megabyte = 1_000_000;
export const chunkBytes = 1 << 20;
export const throughputTries = 5;

export interface ThroughputRow {
  client: BenchClient;
  /** Size in MB → the run. */
  runs: Map<number, RunResult>;
}

export async function throughput(
  clients: BenchClient[],
  sizesMb: number[],
  log: (line: string) => void,
): Promise<ThroughputRow[]> {
  const dir = temporaryFolder('slow-poetry-bench-throughput-');
  const verse = readFileSync(join(poetryDir, 'ecstasy.txt'));
  const servers = [];
  try {
    for (const mb of sizesMb) {
      const file = join(dir, `poem-${mb}mb.txt`);
      writeBigPoem(file, verse, mb * megabyte);
      servers.push({ mb, server: await startStatsServer({ poemFile: file, numBytes: chunkBytes, delay: 0, backlog: 511 }) });
    }
    const rows: ThroughputRow[] = [];
    for (const client of clients) {
      const row: ThroughputRow = { client, runs: new Map() };
      for (const { mb, server } of servers) {
        // A run is a fraction of a second, and whatever else the machine does only
        // adds to it: the best of five is the client's own speed.
        const tries: RunResult[] = [];
        for (let attempt = 0; attempt < throughputTries; attempt++) {
          const run = await measureClient(client, [String(server.port)], { timeout: 30, deadlineMs: 180_000 });
          tries.push(run);
          log(
            `throughput ${mb} MB ${client.label}: ${run.ms === undefined ? 'no result' : `${(run.ms / 1000).toFixed(3)} s`}, ${run.bytes} bytes`,
          );
        }
        tries.sort((a, b) => (a.ms ?? Infinity) - (b.ms ?? Infinity));
        row.runs.set(mb, tries[0]!);
      }
      rows.push(row);
    }
    return rows;
  } finally {
    await Promise.all(servers.map(({ server }) => server.close()));
    removeFolder(dir);
  }
}

/** `size` bytes of the poem over and over, written a megabyte at a time. */
function writeBigPoem(file: string, verse: Buffer, size: number): void {
  const block = Buffer.alloc(megabyte);
  for (let at = 0; at < megabyte; at += verse.byteLength) verse.copy(block, at);
  const fd = openSync(file, 'w');
  try {
    for (let written = 0; written < size; written += megabyte) writeSync(fd, block, 0, Math.min(megabyte, size - written));
  } finally {
    closeSync(fd);
  }
}
