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

/** Run a client to the end: its exit status, its lines, and the CPU seconds it spent, as it measured them itself at exit. */
async function cpuRun(entry: string, args: string[]): Promise<{ code: number | null; lines: string[]; seconds: number }> {
  const file = join(scratch, `cpu-${++cpuRuns}.json`);
  const env = { ...process.env, SLOW_POETRY_CPU_FILE: file };
  const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve) =>
    execFile(process.execPath, ['--import', cpuPreload, entry, ...args], { env }, (error, stdout) =>
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout }),
    ),
  );
  const { seconds } = JSON.parse(readFileSync(file, 'utf8')) as { seconds: number };
  return { code, lines: stdout.split('\n').filter((line) => line !== ''), seconds };
}

describe('exercise 1: accumulate-with-scan', () => {
  it('costs, on top of toArray, more than 2.5 times as much for twice the bytes (linear would be 2, quadratic 4), each run ending with poem too long', async () => {
    // A server that never stops, 64 KiB a chunk: --max-bytes sets the size of the poem the client collects.
    const endless = await serve({ poem: Buffer.alloc(64 * 1024, 'x'), numBytes: 64 * 1024, delay: 0, endless: true });
    const cpu = async (entry: string, mebibytes: number): Promise<number> => {
      const maxBytes = mebibytes * 2 ** 20;
      const run = await cpuRun(entry, ['--quiet', '--max-bytes', String(maxBytes), String(endless.port)]);
      // As the README says: every run ends with the poem too long, exit status 1.
      expect(run.code, run.lines.join('\n')).toBe(1);
      expect(run.lines).toEqual([
        expect.stringMatching(
          new RegExp(
            `^Task 1: failed to get poetry from 127\\.0\\.0\\.1:${endless.port} after \\d+ bytes: poem too long \\(EPOEMTOOLONG\\): more than ${maxBytes} bytes$`,
          ),
        ),
        expect.stringMatching(/^Got 0 poems in .*; 1 task failed$/),
      ]);
      return run.seconds;
    };
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
      // The README's server is slowpoetry --stall-after 100 --faults-for 1; this one does the same in
      // one write (the first connection: 100 bytes, then nothing; then the whole poem), so the client
      // prints the same lines. --timeout 1, as in the README, makes them the same word for word.
      const flaky = await flakyServer(text, 'stall');
      try {
        runs.push(await runCli(entry, ['--quiet', '--timeout', '1', '--retries', '1', '--out', outs[i]!, String(flaky.port)]));
        expect(flaky.attempts(), runs.at(-1)!.stdout).toBe(2);
      } finally {
        flaky.close();
      }
    }
    const [patched, stage] = runs as [CliRun, CliRun];
    expect(patched.code).toBe(0);
    // The README's transcript, line for line (the summary's time left out there).
    expect(patched.lines, patched.stdout).toEqual([
      'Task 1: trying again (1 of 1) after: timed out (ETIMEDOUT): no data for 1 s',
      'Task 1 finished',
      `Task 1: ${100 + text.byteLength} bytes of poetry`,
      expect.stringMatching(/^Got 1 poem in /),
    ]);
    expect(100 + text.byteLength).toBe(766);
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
