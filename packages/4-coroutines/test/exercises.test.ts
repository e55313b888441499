// The README's exercises, each answer an experiment: the patched copies are
// built once (pnpm exercise does the same), the others run the stage as it is.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { buildExercise, findExercise, type BuiltExercise } from '@slow-poetry/exercise';
import { readClientResult } from '@slow-poetry/shared';
import { idealDuration, tutorialDelay, tutorialScene } from '@slow-poetry/slow-server';
import { closeServers, poem, runCli, scratchDir, serve } from '@slow-poetry/test-kit';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

const cliPath = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const scratch = scratchDir('slow-poetry-exercises-4-'); // this file's own: no other build can race it

afterEach(closeServers);

describe('exercise 1: resume the coroutine at once instead of from a microtask (resume-at-once.patch, resume-at-once-stack.patch)', () => {
  let built: BuiltExercise;
  beforeAll(() => {
    built = buildExercise(findExercise('4', 'resume-at-once'), scratch);
  }, 60_000);

  it("moves the coroutine's line up to the 'data' callback that resolved its future, before process.nextTick; nothing else moves", async () => {
    const server = await serve({ poem: poem('science.txt'), numBytes: 10, delay: 0.05 });
    const run = await runCli(built.entry, [String(server.port)]);
    expect(run.code).toBe(0);
    const ran = run.lines.filter((line) => /^\d+\. /.test(line)).map((line) => line.replace(/^\d+\. /, '').split(' — ')[0]);
    expect(ran).toEqual([
      "socket 'data': the first chunk",
      'run() resumes a coroutine paused at yield',
      'process.nextTick',
      'promise.then',
      'queueMicrotask',
      'an async function resumes after await',
      'setImmediate',
      'setTimeout(0)',
      "socket 'data': the next chunk",
    ]);
  });

  it('overflows the stack on the coroutine that yields futures already settled: each resumption runs inside the one before', async () => {
    // The same change, run on hold-the-loop.js: one build serves both patches.
    const onHoldTheLoop = findExercise('4', 'resume-at-once-stack');
    const diff = (patch: string): string => patch.slice(patch.indexOf('diff --git'));
    expect(diff(onHoldTheLoop.patch)).toBe(diff(built.exercise.patch));
    const run = await runCli(join(built.dir, onHoldTheLoop.run), []);
    expect(run.lines.map((line) => line.split(':')[0])).toEqual([
      'a blocking loop (how stage 1 waits)',
      'setImmediate, again and again (each one a turn of the loop)',
      'a promise chain that keeps scheduling itself',
      'await in a loop',
    ]);
    expect(run.stderr).toBe('hold-the-loop: error: Maximum call stack size exceeded\n');
    expect(run.code).toBe(1);
  });
});

describe('exercise 3: remove the `as Buffer | null` from both versions (remove-cast.patch)', () => {
  it('fails to build in get-poetry.ts only, where nothing says what the yield gives: the async version still compiles', () => {
    let failure: unknown;
    try {
      buildExercise(findExercise('4', 'remove-cast'), scratch);
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toBe(
      "the patched copy of stage 4 does not build: src/get-poetry.ts(62,16): error TS18048: 'chunk' is possibly 'undefined'.",
    );
    const { stdout, stderr } = (failure as Error & { cause: { stdout: Buffer; stderr: Buffer } }).cause;
    const output = `${stdout.toString()}${stderr.toString()}`;
    expect(output).toContain("Property 'byteLength' does not exist on type '{}'"); // unknown, less null: {} | undefined
    // Every error tsc reports is in get-poetry.ts: none in get-poetry-async.ts, nor anywhere else.
    const errors = output.split('\n').filter((line) => /\berror TS\d+:/.test(line));
    expect(errors.length).toBeGreaterThan(0);
    for (const line of errors) expect(line).toMatch(/^src\/get-poetry\.ts\(\d+,\d+\): error TS\d+:/);
    expect(output).not.toMatch(/get-poetry-async\.ts/);
  }, 60_000);
});

describe('exercise 4: --concurrency 1', () => {
  it("takes about the sum of the scene's downloads, as stage 1 does, while the event loop stays free", async () => {
    // The README's 21.7 s is the sum at the tutorial's pace; the runs go ten times faster.
    const seconds = (delay: number): number[] =>
      tutorialScene.map(({ poem: name, numBytes }) => idealDuration(poem(name).byteLength, numBytes, delay));
    const sumOf = (times: number[]): number => times.reduce((total, time) => total + time, 0);
    expect(sumOf(seconds(tutorialDelay)).toFixed(1)).toBe('21.7');
    const times = seconds(tutorialDelay / 10).map((time) => time * 1000);
    const slowest = Math.max(...times);
    const sum = sumOf(times);
    const servers = await Promise.all(
      tutorialScene.map(({ poem: name, numBytes }) => serve({ poem: poem(name), numBytes, delay: tutorialDelay / 10 })),
    );
    const ports = servers.map((server) => String(server.port));
    const [oneByOne, allAtOnce] = (
      await Promise.all([runCli(cliPath, ['--json', '--concurrency', '1', ...ports]), runCli(cliPath, ['--json', ...ports])])
    ).map((run) => readClientResult(run.stdout));
    expect([oneByOne!.poems, allAtOnce!.poems]).toEqual([3, 3]);
    // About the sum: not less, and at most half as much again on a loaded machine.
    expect(oneByOne!.ms).toBeGreaterThanOrEqual(0.95 * sum);
    expect(oneByOne!.ms).toBeLessThanOrEqual(1.5 * sum);
    expect(allAtOnce!.ms).toBeLessThan((slowest + sum) / 2); // much nearer the slowest than the sum
    expect(oneByOne!.loop!.maxDelayMs).toBeLessThan(0.25 * oneByOne!.ms); // the fault matrix's rule for a thread left free
  });
});
