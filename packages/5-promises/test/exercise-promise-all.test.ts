// Exercise 1: Promise.all instead of Promise.allSettled, as two patches (the
// stage's exercises/promise-all*.patch), each built once and run as a learner
// would run it with `pnpm exercise 5 NAME ARGS`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { parseTrace } from '@slow-poetry/shared';
import { cliAt, closedPort, closeServers, poem, runCli, scratchDir, serve, startCli } from '@slow-poetry/test-kit';
import { buildExercise, findExercise } from '@slow-poetry/exercise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const stage = cliAt(fileURLToPath(new URL('../dist/cli.js', import.meta.url)));
const durations = /\d+:\d\d:\d\d\.\d{6}/g;

let kept: string; // Promise.all, each download's handlers (its .catch) kept
let unhandled: string; // Promise.all, the handlers gone
beforeAll(() => {
  const scratch = scratchDir('slow-poetry-exercises-5-');
  kept = buildExercise(findExercise('5', 'promise-all'), scratch).entry;
  unhandled = buildExercise(findExercise('5', 'promise-all-unhandled'), scratch).entry;
}, 60_000);

afterAll(closeServers); // not afterEach: the cases run at once, each with servers of its own

describe.concurrent('exercise 1: Promise.all instead of Promise.allSettled', () => {
  it('changes nothing while each download keeps its own handlers: the same lines and exit status as the stage', async () => {
    const refused = await closedPort();
    const server = await serve({ poem: poem('science.txt'), numBytes: 100, delay: 0.01 });
    const args = ['--quiet', String(refused), String(server.port)]; // how reads are cut into chunks varies from run to run
    const [original, patched] = await Promise.all([stage.runCli(args), runCli(kept, args)]);
    expect(patched.code).toBe(1);
    expect(patched.stderr).toBe('');
    expect(patched.lines.at(-1)).toMatch(/^Got 1 poem in .*; 1 task failed$/);
    const sorted = (lines: string[]): string[] => lines.map((line) => line.replace(durations, 'T')).sort();
    expect(sorted(patched.lines)).toEqual(sorted(original.lines));
    expect(patched.code).toBe(original.code);
  });

  it('without those handlers, leaves main at the first rejection while the other download runs on, unreported, to its end', async () => {
    const refused = await closedPort();
    // science.txt, 10 bytes every 0.01 s: about 0.66 s, long after the refusal.
    const slow = await serve({ poem: poem('science.txt'), numBytes: 10, delay: 0.01 });
    let serverDone = Infinity;
    slow.once('end', (_client, outcome) => outcome === 'complete' && (serverDone = performance.now()));
    const out = scratchDir('slow-poetry-promise-all-');
    const trace = join(out, 'trace.jsonl');
    const poems = join(out, 'poems');

    const cli = startCli(unhandled, ['--out', poems, '--trace', trace, String(refused), String(slow.port)]);
    let errorAt = Infinity;
    const chunkLinesAt: number[] = [];
    cli.child.stderr!.on('data', () => (errorAt = Math.min(errorAt, performance.now())));
    cli.child.stdout!.on('data', (text: string) => {
      for (const line of text.split('\n')) if (line.startsWith('Task 2: got ')) chunkLinesAt.push(performance.now());
    });
    const run = await cli.done;
    const exitedAt = performance.now();

    // Node's own message, through runMain: one line, exit status 1, and no summary.
    expect(run.stderr).toBe(`get-poetry-promises: error: connect ECONNREFUSED 127.0.0.1:${refused}\n`);
    expect(run.code).toBe(1);
    expect(run.lines.some((line) => line.startsWith('Got '))).toBe(false);
    expect(run.lines.some((line) => /finished|failed/.test(line))).toBe(false);
    // The other download went on: its chunk lines kept coming after the error,
    // and the process lived until its server had sent the whole poem.
    expect(chunkLinesAt.filter((at) => at > errorAt).length).toBeGreaterThan(10);
    expect(serverDone).toBeLessThan(exitedAt);
    // Nobody recorded how either task ended: no poem saved, no partial, and the
    // trace, whose last line is written at exit, counts 0 poems and 0 failures.
    expect(readdirSync(poems)).toEqual([]);
    const events = parseTrace(readFileSync(trace, 'utf8'));
    expect(events.filter((event) => event.event === 'chunk').length).toBeGreaterThan(10);
    expect(events.filter((event) => ['done', 'failed', 'cancelled'].includes(event.event))).toEqual([]);
    const end = events.at(-1)!;
    expect(end.event).toBe('end');
    if (end.event === 'end') {
      expect(end.result).toMatchObject({ status: 1, poems: 0, failed: 0, cancelled: 0 });
      expect(end.result.tasks?.map((task) => task.status)).toEqual(['waiting', 'connected']);
    }
  });

  it('is fixed by --fail-fast in the stage itself: the first failure cancels the other download, every task is reported, and the run ends at once', async () => {
    const refused = await closedPort();
    const slow = await serve({ poem: poem('science.txt'), numBytes: 10, delay: 0.01 });
    const left = new Promise<[string, number]>((resolve) =>
      slow.once('end', (_client, outcome, sent) => resolve([outcome, sent])),
    );
    const out = scratchDir('slow-poetry-fail-fast-');
    const trace = join(out, 'trace.jsonl');
    const run = await stage.runCli(['--quiet', '--fail-fast', '--trace', trace, String(refused), String(slow.port)]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(run.lines[0]).toBe(`Task 1: failed to get poetry from 127.0.0.1:${refused}: connection refused (ECONNREFUSED)`);
    expect(run.lines[1]).toMatch(/^Task 2: cancelled the download from 127\.0\.0\.1:\d+( after \d+ bytes)?: task 1 failed$/);
    expect(run.lines.at(-1)).toMatch(/^Got 0 poems in .*; 1 task failed; 1 cancelled \(task 2\)$/);
    const [outcome, sent] = await left;
    expect(outcome).toBe('gone'); // the server saw the client leave…
    expect(sent).toBeLessThan(poem('science.txt').byteLength / 2); // …long before the end of the poem
    const end = parseTrace(readFileSync(trace, 'utf8')).at(-1)!;
    expect(end.event === 'end' && end.result).toMatchObject({ status: 1, poems: 0, failed: 1, cancelled: 1 });
  });
});
