// The README's exercises, each answer an experiment: the patched copies are
// built once (pnpm exercise does the same), the others run the stage as it is.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { buildExercise, findExercise, type BuiltExercise } from '@slow-poetry/exercise';
import { readClientResult } from '@slow-poetry/shared';
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
    expect(output).not.toMatch(/get-poetry-async\.ts/);
  }, 60_000);
});

describe('exercise 4: --concurrency 1', () => {
  it('takes about the sum of the downloads, as stage 1 does, while the event loop stays free', async () => {
    // 666 bytes in 7 chunks of 100, 0.04 s apart: about 0.24 s per download.
    const servers = await Promise.all([1, 2, 3].map(() => serve({ poem: poem('science.txt'), numBytes: 100, delay: 0.04 })));
    const ports = servers.map((server) => String(server.port));
    const oneByOne = readClientResult((await runCli(cliPath, ['--json', '--concurrency', '1', ...ports])).stdout);
    const allAtOnce = readClientResult((await runCli(cliPath, ['--json', ...ports])).stdout);
    const slowest = 240;
    const sum = 3 * slowest;
    expect([oneByOne.poems, allAtOnce.poems]).toEqual([3, 3]);
    expect(oneByOne.ms).toBeGreaterThanOrEqual(0.95 * sum);
    expect(allAtOnce.ms).toBeLessThan((slowest + sum) / 2); // much nearer the slowest than the sum
    expect(oneByOne.loop!.maxDelayMs).toBeLessThan(0.25 * oneByOne.ms); // the fault matrix's rule for a thread left free
  });
});
