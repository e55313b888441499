// The exercises that change this stage's code (exercises/*.patch), each built
// once and run as the README's answer says: the same experiment, so an answer
// that stops being true fails here.
import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { buildExercise, findExercise } from '@slow-poetry/exercise';
import { closeServers, poem, runCli, scratchDir, serve, type CliRun } from '@slow-poetry/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { flakyServer } from './flaky-server.js';

const stageCli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const scratch = scratchDir('slow-poetry-6-exercises-');
const built: Record<string, string> = {};

beforeAll(() => {
  for (const name of ['accumulate-with-scan', 'retry-above-to-array', 'share-one-download']) {
    built[name] = buildExercise(findExercise('6', name), scratch).entry;
  }
}, 60_000);
afterAll(async () => {
  await closeServers();
  rmSync(scratch, { recursive: true, force: true });
});

const cpuPreload = pathToFileURL(fileURLToPath(new URL('./cpu-time-preload.mjs', import.meta.url))).href;
let cpuRuns = 0;

/** Run a client to the end; the CPU seconds it spent, as it measured them itself at exit. */
async function cpuSeconds(entry: string, args: string[]): Promise<number> {
  const file = join(scratch, `cpu-${++cpuRuns}.json`);
  const env = { ...process.env, SLOW_POETRY_CPU_FILE: file };
  await new Promise<void>((resolve) =>
    execFile(process.execPath, ['--import', cpuPreload, entry, ...args], { env }, () => resolve()),
  );
  return (JSON.parse(readFileSync(file, 'utf8')) as { seconds: number }).seconds;
}

describe('exercise 1: accumulate-with-scan', () => {
  it('costs, on top of toArray, about four times as much for twice the bytes: quadratic', async () => {
    // A server that never stops, 64 KiB a chunk: --max-bytes sets the size of the poem the client collects.
    const endless = await serve({ poem: Buffer.alloc(64 * 1024, 'x'), numBytes: 64 * 1024, delay: 0, endless: true });
    const cpu = (entry: string, mebibytes: number): Promise<number> =>
      cpuSeconds(entry, ['--quiet', '--max-bytes', String(mebibytes * 2 ** 20), String(endless.port)]);
    // What scan and last() cost on top of the stage (whose toArray is linear): the stage's run counts Node's start and the reading.
    const stage8 = await cpu(stageCli, 8);
    const stage16 = await cpu(stageCli, 16);
    const extra8 = (await cpu(built['accumulate-with-scan']!, 8)) - stage8;
    const extra16 = (await cpu(built['accumulate-with-scan']!, 16)) - stage16;
    expect(extra16).toBeGreaterThan(stage16); // at 16 MiB, scan costs more than the whole stage's run
    expect(extra16 / extra8).toBeGreaterThan(2.5); // twice the bytes: linear would be 2, quadratic 4
  }, 60_000); // about 12 s of CPU-bound runs when the machine is quiet (the figures are CPU seconds, so load only makes it longer)
});

describe.concurrent('exercises 1 to 3, against small servers', () => {
  it('exercise 1: an empty poem fails with "no elements in sequence" after scan and last(), and is retried; the stage gets 0 bytes', async () => {
    const empty = await serve({ poem: Buffer.alloc(0) });
    const [patched, retried, stage] = await Promise.all([
      runCli(built['accumulate-with-scan']!, [String(empty.port)]),
      runCli(built['accumulate-with-scan']!, ['--retries', '1', String(empty.port)]),
      runCli(stageCli, [String(empty.port)]),
    ]);
    expect(patched.code).toBe(1);
    expect(patched.lines[0]).toBe(`Task 1: failed to get poetry from 127.0.0.1:${empty.port}: no elements in sequence`);
    expect(retried.lines.slice(0, 2)).toEqual([
      'Task 1: trying again (1 of 1) after: no elements in sequence',
      `Task 1: failed to get poetry from 127.0.0.1:${empty.port}: no elements in sequence`,
    ]);
    expect(stage.code).toBe(0);
    expect(stage.lines).toContain('Task 1: 0 bytes of poetry');
  });

  it("exercise 2: with retry above toArray, the failed attempt's bytes stay in the poem, and the new attempt's follow them", async () => {
    const text = poem('science.txt');
    const runs: CliRun[] = [];
    const outs = [scratchDir('slow-poetry-6-retry-'), scratchDir('slow-poetry-6-retry-')];
    for (const [i, entry] of [built['retry-above-to-array']!, stageCli].entries()) {
      const flaky = await flakyServer(text, 'stall'); // the first connection: 100 bytes, then nothing; then the whole poem
      try {
        runs.push(await runCli(entry, ['--quiet', '--timeout', '0.3', '--retries', '1', '--out', outs[i]!, String(flaky.port)]));
        expect(flaky.attempts(), runs.at(-1)!.stdout).toBe(2);
      } finally {
        flaky.close();
      }
    }
    const [patched, stage] = runs as [CliRun, CliRun];
    expect(patched.code).toBe(0);
    expect(patched.lines, patched.stdout).toContain(`Task 1: ${100 + text.byteLength} bytes of poetry`);
    expect(readFileSync(join(outs[0]!, 'task-1.txt')).equals(Buffer.concat([text.subarray(0, 100), text]))).toBe(true);
    expect(stage.lines).toContain(`Task 1: ${text.byteLength} bytes of poetry`);
    expect(readFileSync(join(outs[1]!, 'task-1.txt')).equals(text)).toBe(true);
  });

  it('exercise 3: share() makes one connection, a late subscriber misses the chunks before it, and one after the end reconnects', async () => {
    const text = poem('science.txt');
    const server = await serve({ poem: text, numBytes: 10, delay: 0.01 });
    let connections = 0;
    server.on('client', () => (connections += 1));
    const run = await runCli(built['share-one-download']!, [String(server.port)]);
    expect(run.code).toBe(0);
    const whole = text.byteLength;
    const [cold, shared, afterTheEnd] = run.lines;
    expect(run.lines).toHaveLength(3);
    expect(cold).toBe(`cold: A got ${whole} bytes, B got ${whole} bytes, over 2 connections`);
    // B missed exactly what A had got before B subscribed: its first chunk (one or more of the server's 10-byte writes).
    const late =
      /^share\(\): A got (\d+) bytes, B \(subscribed after A's first chunk, (\d+) bytes\) got (\d+) bytes, over 1 connection$/.exec(
        shared!,
      );
    expect(late, shared).not.toBeNull();
    const [a, missed, b] = late!.slice(1).map(Number) as [number, number, number];
    expect(a).toBe(whole);
    expect(missed).toBeGreaterThan(0);
    expect(b).toBe(whole - missed);
    expect(afterTheEnd).toBe(`after the end: C got ${whole} bytes, over 2 connections in all`);
    expect(connections).toBe(4); // the server agrees: 2 cold, 1 shared, 1 after the end
  });
});
