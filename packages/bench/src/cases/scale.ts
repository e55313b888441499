// Scale: N downloads at once of a 100-byte poem at the tutorial's pace (10 bytes
// every 0.1 s: ideal 0.9 s), all from one server process, per client, beside the
// plain node:net floor in the same run. The server is the bench's own child
// (the same startServer as `slowpoetry`), which also times how late its chunks
// leave: with 10,000 clients, that is "the server under load".
//
// No silent hangs: the server listens with a backlog sized for the burst (4096,
// the kernel's somaxconn here; Node's default 511 overflows and the kernel drops
// connections the client believes open), and every client runs with --timeout.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { removeFolder, temporaryFolder } from '@slow-poetry/cli-kit';
import { idealDuration } from '@slow-poetry/slow-server';

import { measureClient, type RunResult } from '../run.js';
import type { ServerStats } from '../server-child.js';
import { startStatsServer } from '../servers.js';
import type { BenchClient } from '../stages.js';

export const scalePoemBytes = 100;
export const scaleNumBytes = 10;
export const scaleDelay = 0.1;
export const scaleIdealMs = 1000 * idealDuration(scalePoemBytes, scaleNumBytes, scaleDelay);

export interface ScaleRow {
  n: number;
  client: BenchClient;
  idealMs: number;
  result: RunResult;
  server: ServerStats;
  /** Every try's total (ms), when the size was run more than once; the row is the median one. */
  runs: Array<number | undefined>;
  /** Median over the rounds of (this client's total ÷ the floor's total in the same round). */
  floorRatio: number | undefined;
  /** Median over the rounds of (this client's CPU seconds ÷ the floor's in the same round). */
  cpuRatio: number | undefined;
  /** The same against the keeper (the floor's client keeping each poem), where it ran. */
  keeperCpuRatio: number | undefined;
}

/** One run of one client in one round: a row before the rounds are put together. */
type Try = Omit<ScaleRow, 'runs' | 'floorRatio' | 'cpuRatio' | 'keeperCpuRatio'>;

export interface ScaleResult {
  rows: ScaleRow[];
  /** Each client's peak memory with a single download, to subtract from the others. */
  baselineRssKb: Map<string, number>;
  skipped: string[];
}

export async function scale(
  clients: BenchClient[],
  sizes: number[],
  options: { long: boolean; repeats: number },
  log: (line: string) => void,
): Promise<ScaleResult> {
  const dir = temporaryFolder('slow-poetry-bench-scale-');
  const poemFile = join(dir, 'poem.txt');
  // 100 bytes of verse, no more; the last chunk ends a line.
  writeFileSync(
    poemFile,
    'Slow words arrive, a few at a time;\nthe reader waits for every line.\n'.padEnd(scalePoemBytes - 1, '.') + '\n',
  );
  const server = await startStatsServer({ poemFile, numBytes: scaleNumBytes, delay: scaleDelay, backlog: 4096 });
  const result: ScaleResult = { rows: [], baselineRssKb: new Map(), skipped: [] };
  try {
    const address = String(server.port);
    for (const client of clients) {
      const one = await measureClient(client, [address], { timeout: 10, deadlineMs: 30_000 });
      await server.stats();
      log(`scale 1 ${client.label}: peak memory with one download ${(one.maxRssKb / 1024).toFixed(0)} MB (the baseline)`);
      result.baselineRssKb.set(client.key, one.maxRssKb);
    }
    for (const n of sizes) {
      const { eligible, skipped } = eligibleAt(n, clients, options.long);
      result.skipped.push(...skipped);
      // The biggest burst is the noisiest (see acceptSpreadMs), and the machine's other
      // work comes and goes: run it in rounds, every client once per round, so that
      // each stage can be compared with the floor run of its own round.
      const rounds = n >= 10_000 ? options.repeats : 1;
      const tries = new Map<string, Try[]>(eligible.map((client) => [client.key, []]));
      for (let round = 0; round < rounds; round++) {
        for (const client of eligible) {
          const idealMs = client.concurrent ? scaleIdealMs : n * scaleIdealMs;
          const run = await measureClient(client, Array<string>(n).fill(address), {
            timeout: 10,
            deadlineMs: idealMs * 3 + 60_000,
          });
          const stats = await server.stats();
          tries.get(client.key)!.push({ n, client, idealMs, result: run, server: stats });
          log(
            `scale ${n} ${client.label}: ${run.ms === undefined ? 'no result' : `${(run.ms / 1000).toFixed(3)} s`}, ${run.poems} poems, ${run.failed} failed, cpu ${run.cpuSeconds.toFixed(2)} s, rss ${(run.maxRssKb / 1024).toFixed(0)} MB, accepts over ${(stats.acceptSpreadMs / 1000).toFixed(2)} s`,
          );
          // Let the kernel and the server settle before the next burst.
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
      // Each round's figure ÷ the reference client's in the same round; the median of those
      // (undefined where the reference did not run at this size).
      const medianRatio = (mine: Try[], reference: string, of: (run: RunResult) => number | undefined): number | undefined => {
        const theirs = tries.get(reference);
        if (!theirs) return undefined;
        const ratios = mine.map((t, i) => (of(t.result) ?? Infinity) / (of(theirs[i]!.result) ?? NaN)).sort((a, b) => a - b);
        return ratios[Math.floor((ratios.length - 1) / 2)];
      };
      for (const client of eligible) {
        const mine = tries.get(client.key)!;
        const byTime = [...mine].sort((a, b) => (a.result.ms ?? Infinity) - (b.result.ms ?? Infinity));
        result.rows.push({
          ...byTime[Math.floor((byTime.length - 1) / 2)]!,
          runs: mine.map((t) => t.result.ms),
          floorRatio: medianRatio(mine, 'floor', (run) => run.ms),
          cpuRatio: medianRatio(mine, 'floor', (run) => run.cpuSeconds),
          keeperCpuRatio: medianRatio(mine, 'keeper', (run) => run.cpuSeconds),
        });
      }
    }
  } finally {
    await server.close();
    removeFolder(dir);
  }
  return result;
}

/** Which clients run at `n` downloads, and a note for each one that does not. */
export function eligibleAt(n: number, clients: BenchClient[], long: boolean): { eligible: BenchClient[]; skipped: string[] } {
  const skipped: string[] = [];
  const eligible = clients.filter((client) => {
    if (!client.concurrent && (n > 100 || !long)) {
      skipped.push(
        `${client.label} at ${n.toLocaleString('en')}: it downloads one poem after another (${((n * scaleIdealMs) / 1000).toFixed(0)} s)` +
          (n > 100 ? '; run at 100 only' : '; only with --long'),
      );
      return false;
    }
    if (client.limit !== undefined && n > client.limit.downloads) {
      skipped.push(`${client.label} at ${n.toLocaleString('en')}: ${client.limit.why}`);
      return false;
    }
    return true;
  });
  return { eligible, skipped };
}

/** How many client runs scale() makes: one baseline per client, then each size's eligible clients, in rounds at 10,000. */
export function scaleRuns(clients: BenchClient[], sizes: number[], options: { long: boolean; repeats: number }): number {
  return (
    clients.length +
    sizes.reduce(
      (runs, n) => runs + eligibleAt(n, clients, options.long).eligible.length * (n >= 10_000 ? options.repeats : 1),
      0,
    )
  );
}
